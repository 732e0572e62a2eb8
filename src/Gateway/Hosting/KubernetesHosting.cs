using k8s;
using Sluice.Discovery.Ingress;
using Sluice.Discovery.Kubernetes;
using Sluice.Discovery.Kubernetes.Leadership;
using Sluice.Discovery.Kubernetes.Status;
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
        services.AddSingleton<IServicePortResolver>(sp => sp.GetRequiredService<KubernetesResourceSource>());
        services.AddSingleton(sp => new KubernetesMetrics(sp.GetRequiredService<KubernetesResourceSource>(), sp.GetRequiredService<TimeProvider>()));

        // Registered before the listeners so that the first snapshot waits for the caches (and its status is written).
        services.AddHostedService<KubernetesSyncService>();
        if (options.WriteStatus)
        {
            services.AddSingleton(sp => new LeaderElection(
                sp.GetRequiredService<IKubernetes>(), options.LeaseNamespace, options.LeaseName, options.Identity,
                options.LeaseDuration, options.RenewDeadline, options.RetryPeriod, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Sluice.Kubernetes.Leader")));
            services.AddSingleton(sp => new CrdStatusWriter(
                sp.GetRequiredService<IKubernetes>(), sp.GetRequiredService<KubernetesResourceSource>(), sp.GetRequiredService<LeaderElection>(),
                sp.GetRequiredService<KubernetesMetrics>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Sluice.Kubernetes.Status")));
            services.AddHostedService<KubernetesStatusService>();
        }
    }
}
