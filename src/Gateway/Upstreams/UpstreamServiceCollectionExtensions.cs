namespace Sluice.Gateway.Upstreams;

/// <summary>Registers the upstreams' long-lived runtime state and the background work that keeps it current.</summary>
internal static class UpstreamServiceCollectionExtensions
{
    public static IServiceCollection AddUpstreamResilience(this IServiceCollection services)
    {
        services.AddSingleton(sp => new UpstreamStateRegistry(
            sp.GetRequiredService<TimeProvider>(),
            Random.Shared,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Sluice.Upstreams")));
        services.AddSingleton<UpstreamMaintenanceService>();
        services.AddHostedService(sp => sp.GetRequiredService<UpstreamMaintenanceService>());
        return services;
    }
}
