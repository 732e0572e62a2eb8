using System.Net;

namespace Sluice.EndToEnd.Tests.Ingress;

/// <summary>
/// Where conformance features run: something that makes Services known (with the loopback endpoints that serve
/// them) and applies Kubernetes manifests to a running gateway. <see cref="FileIngressEnvironment"/> writes files;
/// an API-server environment would create Services, EndpointSlices and the manifests through the Kubernetes API.
/// </summary>
public interface IIngressEnvironment : IAsyncDisposable
{
    IPEndPoint HttpEndpoint { get; }

    IPEndPoint HttpsEndpoint { get; }

    /// <summary>Applies everything and returns once the gateway serves it.</summary>
    /// <param name="endpoints">Per Service, the loopback ports of its ready endpoints.</param>
    /// <param name="manifests">Multi-document YAML: Ingresses, IngressClasses, Secrets.</param>
    Task ApplyAsync(IReadOnlyList<(ConformanceService Service, IReadOnlyList<int> Endpoints)> endpoints, string manifests);
}
