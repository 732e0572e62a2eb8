using System.Collections.Frozen;

namespace Sluice.Gateway.Routing;

/// <summary>
/// Picks the virtual host for a Host header with Envoy's precedence: exact, then the longest <c>*suffix</c>, then the
/// longest <c>prefix*</c>, then <c>*</c>. Host matching is case-insensitive. When the Host's port is the listener's
/// own it is matched without the port first (Envoy's <c>strip_matching_host_port</c>), so <c>curl host:8080</c>
/// finds <c>host</c>; any other port is matched as written, so a domain may name a port, as in Envoy.
/// </summary>
internal sealed class VirtualHostTable
{
    private readonly FrozenDictionary<string, CompiledVirtualHost> _exact;
    private readonly (string Suffix, CompiledVirtualHost Host)[] _suffixes;
    private readonly (string Prefix, CompiledVirtualHost Host)[] _prefixes;
    private readonly CompiledVirtualHost? _any;

    public VirtualHostTable(IEnumerable<(string Domain, CompiledVirtualHost Host)> domains)
    {
        var exact = new Dictionary<string, CompiledVirtualHost>(StringComparer.OrdinalIgnoreCase);
        var suffixes = new List<(string, CompiledVirtualHost)>();
        var prefixes = new List<(string, CompiledVirtualHost)>();
        foreach (var (domain, host) in domains)
        {
            if (domain == "*")
            {
                _any ??= host;
            }
            else if (domain[0] == '*')
            {
                suffixes.Add((domain[1..], host));
            }
            else if (domain[^1] == '*')
            {
                prefixes.Add((domain[..^1], host));
            }
            else
            {
                exact.TryAdd(domain, host);
            }
        }

        _exact = exact.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _suffixes = [.. suffixes.OrderByDescending(s => s.Item1.Length)];
        _prefixes = [.. prefixes.OrderByDescending(p => p.Item1.Length)];
        VirtualHosts = [.. exact.Values.Concat(suffixes.Select(s => s.Item2)).Concat(prefixes.Select(p => p.Item2)).Concat(_any is null ? [] : [_any]).Distinct()];
    }

    public IReadOnlyList<CompiledVirtualHost> VirtualHosts { get; }

    public CompiledVirtualHost? Find(string host, int listenerPort)
    {
        var colon = host.LastIndexOf(':');
        if (colon > 0 && host[^1] != ']' && IsPort(host.AsSpan(colon + 1), listenerPort))
        {
            // Envoy's strip_matching_host_port: the listener's own port says nothing about the virtual host.
            if (FindExactly(host[..colon]) is { } withoutPort)
            {
                return withoutPort;
            }
        }

        return FindExactly(host) ?? _any;
    }

    private CompiledVirtualHost? FindExactly(string host)
    {
        if (_exact.TryGetValue(host, out var exact))
        {
            return exact;
        }

        foreach (var (suffix, candidate) in _suffixes)
        {
            // The wildcard stands for at least one character, as in Envoy.
            if (host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && (!candidate.WildcardMatchesOneLabel || !host.AsSpan(0, host.Length - suffix.Length).Contains('.')))
            {
                return candidate;
            }
        }

        foreach (var (prefix, candidate) in _prefixes)
        {
            if (host.Length > prefix.Length && host.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsPort(ReadOnlySpan<char> text, int listenerPort) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port == listenerPort;
}
