using System.Collections.Frozen;
using System.Net.Security;
using Sluice.Gateway.Routing;

namespace Sluice.Gateway.Listeners;

/// <summary>
/// SNI name to TLS context for one listener, with Envoy's precedence (exact, then the longest <c>*.suffix</c>) and a
/// default for clients that send no name or an unknown one. A name whose virtual service has no usable certificate
/// maps to nothing: its handshakes are refused instead of being answered with another tenant's certificate.
/// </summary>
internal sealed class ServerCertificates
{
    public static ServerCertificates None { get; } = new([], null, FrozenDictionary<CompiledVirtualHost, ServerTlsContext>.Empty);

    private readonly FrozenDictionary<string, ServerTlsContext?> _exact;
    private readonly (string Suffix, ServerTlsContext? Context)[] _wildcards;

    /// <param name="byName">SNI names in order of precedence on ties (first wins); a null context refuses the name.</param>
    /// <param name="byVirtualHost">Each served virtual host's context, so a request can be checked against its connection.</param>
    public ServerCertificates(IReadOnlyList<(string Name, ServerTlsContext? Context)> byName, ServerTlsContext? fallback, FrozenDictionary<CompiledVirtualHost, ServerTlsContext> byVirtualHost)
    {
        var exact = new Dictionary<string, ServerTlsContext?>(StringComparer.OrdinalIgnoreCase);
        var wildcards = new List<(string, ServerTlsContext?)>();
        foreach (var (name, context) in byName)
        {
            if (name.StartsWith('*'))
            {
                if (name.Length > 1 && !wildcards.Exists(w => string.Equals(w.Item1, name[1..], StringComparison.OrdinalIgnoreCase)))
                {
                    wildcards.Add((name[1..], context));
                }
            }
            else
            {
                exact.TryAdd(name, context);
            }
        }

        _exact = exact.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _wildcards = [.. wildcards.OrderByDescending(w => w.Item1.Length)];
        Fallback = fallback;
        ByVirtualHost = byVirtualHost;
        RequiresClientCertificates = byVirtualHost.Values.Any(c => c.VerificationKey is not null);
    }

    /// <summary>What a handshake gets when its SNI names no configured name (or none at all).</summary>
    public ServerTlsContext? Fallback { get; }

    public FrozenDictionary<CompiledVirtualHost, ServerTlsContext> ByVirtualHost { get; }

    /// <summary>Whether some virtual service on the listener requires client certificates (requests then get checked).</summary>
    public bool RequiresClientCertificates { get; }

    /// <summary>The TLS options for one handshake; null refuses it.</summary>
    public SslServerAuthenticationOptions? SelectOptions(string? serverName) => Select(serverName)?.Options;

    public ServerTlsContext? Select(string? serverName)
    {
        if (string.IsNullOrEmpty(serverName))
        {
            return Fallback;
        }

        if (_exact.TryGetValue(serverName, out var context))
        {
            return context;
        }

        foreach (var (suffix, candidate) in _wildcards)
        {
            if (serverName.Length > suffix.Length && serverName.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        return Fallback;
    }
}
