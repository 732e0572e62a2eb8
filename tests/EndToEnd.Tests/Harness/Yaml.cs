namespace Sluice.EndToEnd.Tests.Harness;

/// <summary>Small builders for the YAML documents most tests need; tests write anything special inline.</summary>
public static class Yaml
{
    public static string Gateway(string name, int port, bool ssl = false) => $"""
        apiVersion: gateway.sluice.dev/v1
        kind: Gateway
        metadata:
          name: {name}
          namespace: default
        spec:
          bindAddress: 127.0.0.1
          bindPort: {port}
          ssl: {(ssl ? "true" : "false")}

        """;

    public static string Upstream(string name, params int[] ports) => $"""
        apiVersion: gateway.sluice.dev/v1
        kind: Upstream
        metadata:
          name: {name}
          namespace: default
        spec:
          static:
            hosts:
        {string.Concat(ports.Select(p => $"      - addr: 127.0.0.1\n        port: {p}\n"))}
        """;

    /// <summary>A VirtualService whose <paramref name="routes"/> is the YAML list under <c>routes:</c>, indented by 6.</summary>
    public static string VirtualService(string name, string routes, params string[] domains) => $"""
        apiVersion: gateway.sluice.dev/v1
        kind: VirtualService
        metadata:
          name: {name}
          namespace: default
        spec:
          virtualHost:
            domains: [{string.Join(", ", (domains.Length == 0 ? ["*"] : domains).Select(d => $"'{d}'"))}]
            routes:
        {routes}
        """;

    /// <summary>One route list entry forwarding <paramref name="prefix"/> to an upstream.</summary>
    public static string PrefixRoute(string prefix, string upstream) => $"""
              - matchers:
                  - prefix: {prefix}
                routeAction:
                  single:
                    upstream:
                      name: {upstream}

        """;
}
