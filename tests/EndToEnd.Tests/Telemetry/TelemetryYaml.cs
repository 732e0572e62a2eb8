namespace Sluice.EndToEnd.Tests.Telemetry;

/// <summary>YAML for the telemetry tests: named routes (their names are metric labels and log fields).</summary>
internal static class TelemetryYaml
{
    public static string Gateway(int port, string options = "") => $"""
        apiVersion: gateway.sluice.dev/v1
        kind: Gateway
        metadata:
          name: http
          namespace: default
        spec:
          bindAddress: 127.0.0.1
          bindPort: {port}
        {(options.Length == 0 ? string.Empty : "  options:\n" + Indent(options, 4))}
        """;

    public static string Upstream(string name, int port, string extraSpec = "") => $"""
        apiVersion: gateway.sluice.dev/v1
        kind: Upstream
        metadata:
          name: {name}
          namespace: default
        spec:
          static:
            hosts:
              - addr: 127.0.0.1
                port: {port}
        {(extraSpec.Length == 0 ? string.Empty : Indent(extraSpec, 2))}
        """;

    public static string VirtualService(string routes) => $"""
        apiVersion: gateway.sluice.dev/v1
        kind: VirtualService
        metadata:
          name: vs
          namespace: default
        spec:
          virtualHost:
            domains: ['*']
            routes:
        {routes}
        """;

    public static string Route(string name, string prefix, string upstream, string options = "") => $"""
              - name: {name}
                matchers:
                  - prefix: {prefix}
                routeAction:
                  single:
                    upstream:
                      name: {upstream}
        {(options.Length == 0 ? string.Empty : "        options:\n" + Indent(options, 10))}
        """;

    private static string Indent(string text, int spaces)
    {
        var pad = new string(' ', spaces);
        return string.Concat(text.Split('\n').Where(l => l.Length > 0).Select(l => pad + l + "\n"));
    }
}
