using System.CommandLine;
using k8s;
using Sluice.Discovery.Kubernetes;

namespace Sluice.Gateway.Cli;

/// <summary>The <c>sluice run</c> flags of the Kubernetes controller.</summary>
internal sealed class KubernetesCliOptions
{
    private const string ServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    private readonly Option<bool> _enabled = new("--kubernetes") { Description = "Read resources from the Kubernetes API (in-cluster config unless --kubeconfig)" };
    private readonly Option<string> _kubeconfig = new("--kubeconfig") { Description = "A kubeconfig file (development); default: the Pod's service account" };
    private readonly Option<string[]> _namespaces = new("--watch-namespace") { Description = "Watch only this namespace; repeat for several. Default: all namespaces" };
    private readonly Option<string> _namespaceSelector = new("--namespace-selector") { Description = "Use only objects in namespaces matching this label selector (e.g. sluice=enabled)" };
    private readonly Option<string> _serviceSelector = new("--service-selector") { Description = "Discover Upstreams only for Services matching this label selector" };
    private readonly Option<bool> _glooCrds = new("--gloo-crds") { Description = "Also read Gloo's gateway.solo.io/v1 and gloo.solo.io/v1 resources" };
    private readonly Option<string> _publishAddress = new("--publish-address") { Description = "Address(es), comma-separated, written to the status of the Ingresses this gateway serves" };
    private readonly Option<string> _publishService = new("--publish-service") { Description = "NAMESPACE/NAME of Sluice's own Service, whose address Ingress status gets when --publish-address is not set. Default: $POD_NAMESPACE/sluice" };
    private readonly Option<string> _leaseNamespace = new("--leader-election-namespace") { Description = "Namespace of the leader election Lease. Default: the Pod's namespace" };
    private readonly Option<bool> _noStatus = new("--no-status") { Description = "Never write status to the cluster (read-only replicas)" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _enabled, _kubeconfig, _namespaces, _namespaceSelector, _serviceSelector, _glooCrds, _publishAddress, _publishService, _leaseNamespace, _noStatus })
        {
            command.Options.Add(option);
        }
    }

    public bool TryRead(ParseResult parse, out KubernetesRunOptions? options, out string error)
    {
        options = null;
        error = string.Empty;
        if (!parse.GetValue(_enabled))
        {
            var stray = new Option[] { _kubeconfig, _namespaces, _namespaceSelector, _serviceSelector, _glooCrds, _publishAddress, _publishService, _leaseNamespace, _noStatus }
                .FirstOrDefault(o => parse.GetResult(o) is { Implicit: false });
            error = stray is null ? string.Empty : $"{stray.Name} needs --kubernetes";
            return stray is null;
        }

        KubernetesClientConfiguration client;
        try
        {
            client = parse.GetValue(_kubeconfig) is { } path
                ? KubernetesClientConfiguration.BuildConfigFromConfigFile(path)
                : KubernetesClientConfiguration.InClusterConfig();
        }
        catch (Exception ex) when (ex is k8s.Exceptions.KubeConfigException or IOException or UnauthorizedAccessException)
        {
            error = parse.GetValue(_kubeconfig) is null
                ? $"--kubernetes: not running in a Pod ({ex.Message}); pass --kubeconfig PATH to run outside the cluster"
                : $"--kubeconfig: {ex.Message}";
            return false;
        }

        var leaseNamespace = parse.GetValue(_leaseNamespace)
            ?? Environment.GetEnvironmentVariable("POD_NAMESPACE")
            ?? (File.Exists(ServiceAccountNamespaceFile) ? File.ReadAllText(ServiceAccountNamespaceFile).Trim() : null)
            ?? client.Namespace
            ?? "default";
        options = new KubernetesRunOptions
        {
            Client = client,
            Source = new KubernetesSourceOptions
            {
                Namespaces = parse.GetValue(_namespaces) ?? [],
                NamespaceSelector = parse.GetValue(_namespaceSelector),
                ServiceSelector = parse.GetValue(_serviceSelector),
                GlooCrds = parse.GetValue(_glooCrds),
            },
            PublishAddresses = (parse.GetValue(_publishAddress) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            PublishService = parse.GetValue(_publishService) ?? $"{leaseNamespace}/sluice",
            WriteStatus = !parse.GetValue(_noStatus),
            LeaseNamespace = leaseNamespace,
            Identity = Environment.GetEnvironmentVariable("POD_NAME") ?? $"{Environment.MachineName}-{Environment.ProcessId}",
        };
        return true;
    }
}
