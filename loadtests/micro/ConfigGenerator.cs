using System.Text;

namespace Sluice.Benchmarks;

/// <summary>A large but ordinary config: many virtual hosts, each with prefix routes carrying typical options.</summary>
public static class ConfigGenerator
{
    public static string Generate(int virtualHosts, int routesPerHost)
    {
        var yaml = new StringBuilder();
        yaml.Append("apiVersion: gateway.sluice.dev/v1\nkind: Upstream\nmetadata: {name: backend, namespace: default}\nspec: {static: {hosts: [{addr: 127.0.0.1, port: 18000}]}}\n");
        for (var h = 0; h < virtualHosts; h++)
        {
            yaml.Append("---\napiVersion: gateway.sluice.dev/v1\nkind: VirtualService\nmetadata: {name: vs-").Append(h)
                .Append(", namespace: default}\nspec:\n  virtualHost:\n    domains: [host-").Append(h).Append(".example.com]\n    routes:\n");
            for (var r = 0; r < routesPerHost; r++)
            {
                yaml.Append("      - matchers: [{prefix: /svc-").Append(r).Append("/, headers: [{name: x-tenant}]}]\n")
                    .Append("        routeAction: {single: {upstream: {name: backend}}}\n")
                    .Append("        options: {prefixRewrite: /, timeout: 30s}\n");
            }
        }

        return yaml.ToString();
    }
}
