using k8s;
using Sluice.Discovery.Kubernetes;
using Sluice.Discovery.Loading;

namespace Sluice.Gateway;

/// <summary>The services <c>--kubernetes</c> adds: the client, the cluster source and its sync, the metrics.</summary>
internal static class KubernetesHosting
{
    public static void Add(IServiceCollection services, KubernetesRunOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<IKubernetes>(_ => new Kubernetes(options.Client));
        services.AddSingleton(sp => new KubernetesResourceSource(
            sp.GetRequiredService<IKubernetes>(),
            options.Source,
            sp.GetRequiredService<ResourceFileLoader>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => new KubernetesMetrics(sp.GetRequiredService<KubernetesResourceSource>(), sp.GetRequiredService<TimeProvider>()));

        // Registered before the listeners so that the first snapshot waits for the caches.
        services.AddHostedService<KubernetesSyncService>();
    }
}
