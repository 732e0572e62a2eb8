namespace Sluice.Discovery.Ingress;

/// <summary>
/// Resolves a Service port by name (an Ingress backend may name its port). The Kubernetes source supplies one from
/// its Service cache; files alone have no Services, so a named port there is a warning.
/// </summary>
public interface IServicePortResolver
{
    bool TryResolvePort(string ns, string service, string portName, out int port);
}
