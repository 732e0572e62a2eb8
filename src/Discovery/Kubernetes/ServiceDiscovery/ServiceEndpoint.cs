namespace Sluice.Discovery.Kubernetes.ServiceDiscovery;

/// <summary>One address and target port behind a Service port.</summary>
public readonly record struct ServiceEndpoint(string Address, int Port);
