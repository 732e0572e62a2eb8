using Sluice.EndToEnd.Tests.Routing.Support;

namespace Sluice.EndToEnd.Tests.Security.Support;

/// <summary>YAML for the TLS tests: virtual services with an sslConfig and TLS Secrets.</summary>
internal static class TlsYaml
{
    /// <summary>A VirtualService forwarding everything to <paramref name="upstream"/>, with <paramref name="sslConfig"/> at column 0.</summary>
    public static string VirtualService(string name, string domain, string upstream, string sslConfig) =>
        RouteYaml.VirtualService(name, RouteYaml.Route("prefix: /", upstream), [domain], sslConfig: sslConfig);

    public static string Files(string certPath, string keyPath, string? rootCa = null) => $"""
        sslFiles:
          tlsCert: {certPath}
          tlsKey: {keyPath}
        {(rootCa is null ? string.Empty : $"  rootCa: {rootCa}\n")}
        """;

    /// <summary>A kubernetes.io/tls Secret with plain-text values (stringData).</summary>
    public static string Secret(string name, string? certPem, string? keyPem, string? caPem = null)
    {
        var data = new List<string>();
        if (certPem is not null)
        {
            data.Add("  tls.crt: |\n" + RouteYaml.Indent(certPem, 4));
        }

        if (keyPem is not null)
        {
            data.Add("  tls.key: |\n" + RouteYaml.Indent(keyPem, 4));
        }

        if (caPem is not null)
        {
            data.Add("  ca.crt: |\n" + RouteYaml.Indent(caPem, 4));
        }

        return $"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n  namespace: default\ntype: kubernetes.io/tls\nstringData:\n{string.Concat(data)}";
    }
}
