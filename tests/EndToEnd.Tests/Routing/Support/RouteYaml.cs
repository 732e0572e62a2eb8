using System.Text;

namespace Sluice.EndToEnd.Tests.Routing.Support;

/// <summary>
/// YAML for routing tests, written at natural indentation: route lists start at column 0 ("- matchers: ...")
/// and are indented into place here, so each test reads like the Gloo YAML a user writes.
/// </summary>
internal static class RouteYaml
{
    /// <summary>A VirtualService; <paramref name="routes"/> is a route list at column 0.</summary>
    public static string VirtualService(string name, string routes, string[]? domains = null, string ns = "default", string? options = null, string? sslConfig = null)
    {
        var builder = new StringBuilder()
            .Append("apiVersion: gateway.sluice.dev/v1\nkind: VirtualService\nmetadata:\n")
            .Append("  name: ").Append(name).Append('\n')
            .Append("  namespace: ").Append(ns).Append('\n')
            .Append("spec:\n");
        if (sslConfig is not null)
        {
            builder.Append("  sslConfig:\n").Append(Indent(sslConfig, 4));
        }

        builder.Append("  virtualHost:\n")
            .Append("    domains: [").Append(string.Join(", ", (domains ?? ["*"]).Select(d => $"'{d}'"))).Append("]\n");
        if (options is not null)
        {
            builder.Append("    options:\n").Append(Indent(options, 6));
        }

        builder.Append("    routes:\n").Append(Indent(routes, 6));
        return builder.ToString();
    }

    /// <summary>A RouteTable; <paramref name="routes"/> is a route list at column 0.</summary>
    public static string RouteTable(string name, string routes, string ns = "default", IReadOnlyDictionary<string, string>? labels = null, int? weight = null)
    {
        var builder = new StringBuilder()
            .Append("apiVersion: gateway.sluice.dev/v1\nkind: RouteTable\nmetadata:\n")
            .Append("  name: ").Append(name).Append('\n')
            .Append("  namespace: ").Append(ns).Append('\n');
        if (labels is not null)
        {
            builder.Append("  labels:\n");
            foreach (var (key, value) in labels)
            {
                builder.Append("    ").Append(key).Append(": ").Append(value).Append('\n');
            }
        }

        builder.Append("spec:\n");
        if (weight is { } w)
        {
            builder.Append("  weight: ").Append(w).Append('\n');
        }

        builder.Append("  routes:\n").Append(Indent(routes, 4));
        return builder.ToString();
    }

    /// <summary>A static Upstream on 127.0.0.1; no ports gives an upstream with no hosts.</summary>
    public static string Upstream(string name, int[] ports, string ns = "default", string? extraSpec = null)
    {
        var builder = new StringBuilder()
            .Append("apiVersion: gateway.sluice.dev/v1\nkind: Upstream\nmetadata:\n")
            .Append("  name: ").Append(name).Append('\n')
            .Append("  namespace: ").Append(ns).Append('\n')
            .Append("spec:\n");
        if (extraSpec is not null)
        {
            builder.Append(Indent(extraSpec, 2));
        }

        if (ports.Length == 0)
        {
            return builder.Append("  static: {hosts: []}\n").ToString();
        }

        builder.Append("  static:\n    hosts:\n");
        foreach (var port in ports)
        {
            builder.Append("      - addr: 127.0.0.1\n        port: ").Append(port).Append('\n');
        }

        return builder.ToString();
    }

    public static string Upstream(string name, int port, string ns = "default") => Upstream(name, [port], ns);

    /// <summary>Several documents in one file.</summary>
    public static string Documents(params string[] documents) => string.Join("---\n", documents);

    /// <summary>One route list entry: the matcher YAML (a mapping at column 0) forwarding to one upstream in namespace default.</summary>
    public static string Route(string matcher, string upstream, string? options = null)
    {
        var builder = new StringBuilder("- matchers:\n")
            .Append(Indent("- " + Indent(matcher, 2).TrimStart(), 4))
            .Append("  routeAction:\n    single:\n      upstream:\n        name: ").Append(upstream).Append("\n        namespace: default\n");
        if (options is not null)
        {
            builder.Append("  options:\n").Append(Indent(options, 4));
        }

        return builder.ToString();
    }

    public static string Indent(string text, int spaces)
    {
        var pad = new string(' ', spaces);
        var builder = new StringBuilder();
        foreach (var line in text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n'))
        {
            builder.Append(line.Length == 0 ? string.Empty : pad).Append(line).Append('\n');
        }

        return builder.ToString();
    }
}
