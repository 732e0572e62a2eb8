namespace Sluice.Gateway.Admission;

internal static class AdmissionServiceCollectionExtensions
{
    /// <summary>Serves the validating admission webhook beside the gateway, on its own HTTPS listener.</summary>
    public static IServiceCollection AddAdmissionWebhook(this IServiceCollection services, WebhookOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<AdmissionValidator>();
        services.AddHostedService<AdmissionWebhookServer>();
        return services;
    }
}
