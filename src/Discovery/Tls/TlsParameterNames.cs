using System.Collections.Frozen;
using System.Net.Security;
using System.Security.Authentication;

namespace Sluice.Discovery.Tls;

/// <summary>
/// Gloo's names for TLS protocol versions and cipher suites, and what they mean to .NET. Cipher suites are accepted
/// by their OpenSSL/BoringSSL names (what Envoy and Gloo users write) or their IANA names (.NET's
/// <see cref="TlsCipherSuite"/>); anything else is a validation error, never silently dropped.
/// </summary>
public static class TlsParameterNames
{
    public const string Auto = "TLS_AUTO";

    /// <summary>Envoy's defaults, for both directions: TLS 1.2 and 1.3.</summary>
    public const SslProtocols DefaultProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    private static readonly FrozenDictionary<string, TlsCipherSuite> OpenSslNames = new Dictionary<string, TlsCipherSuite>(StringComparer.Ordinal)
    {
        ["ECDHE-ECDSA-AES128-GCM-SHA256"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        ["ECDHE-RSA-AES128-GCM-SHA256"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        ["ECDHE-ECDSA-AES256-GCM-SHA384"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        ["ECDHE-RSA-AES256-GCM-SHA384"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        ["ECDHE-ECDSA-CHACHA20-POLY1305"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        ["ECDHE-RSA-CHACHA20-POLY1305"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ["ECDHE-ECDSA-AES128-SHA256"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        ["ECDHE-RSA-AES128-SHA256"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
        ["ECDHE-ECDSA-AES256-SHA384"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
        ["ECDHE-RSA-AES256-SHA384"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
        ["ECDHE-ECDSA-AES128-SHA"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        ["ECDHE-RSA-AES128-SHA"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
        ["ECDHE-ECDSA-AES256-SHA"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
        ["ECDHE-RSA-AES256-SHA"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
        ["AES128-GCM-SHA256"] = TlsCipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256,
        ["AES256-GCM-SHA384"] = TlsCipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384,
        ["AES128-SHA"] = TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA,
        ["AES256-SHA"] = TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA,
        ["TLS_AES_128_GCM_SHA256"] = TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        ["TLS_AES_256_GCM_SHA384"] = TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        ["TLS_CHACHA20_POLY1305_SHA256"] = TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// TLS 1.3's suites. Envoy's <c>cipherSuites</c> only restrict TLS 1.2 and below; these are added to any list that
    /// names none of them, so a TLS 1.2 cipher list does not switch TLS 1.3 off.
    /// </summary>
    public static IReadOnlyList<TlsCipherSuite> Tls13Suites { get; } =
        [TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256];

    /// <summary>A protocol version name; null when unknown. <c>TLS_AUTO</c> (or no value) means the default.</summary>
    public static SslProtocols? Protocol(string? name) => name switch
    {
        null or "" or Auto => SslProtocols.None,
        "TLSv1_2" => SslProtocols.Tls12,
        "TLSv1_3" => SslProtocols.Tls13,
        _ => null,
    };

    public static bool IsLegacyProtocol(string? name) => name is "TLSv1_0" or "TLSv1_1";

    /// <summary>The protocols between the minimum and maximum names (both already valid).</summary>
    public static SslProtocols Protocols(string? minimum, string? maximum)
    {
        var low = Protocol(minimum) is SslProtocols.Tls13 ? SslProtocols.Tls13 : SslProtocols.Tls12;
        var high = Protocol(maximum) is SslProtocols.Tls12 ? SslProtocols.Tls12 : SslProtocols.Tls13;
        return low == high ? low : low | high;
    }

    public static bool TryParseCipherSuite(string name, out TlsCipherSuite suite)
    {
        if (OpenSslNames.TryGetValue(name, out suite))
        {
            return true;
        }

        // IANA names as .NET spells them; numbers are not names.
        return name.StartsWith("TLS_", StringComparison.Ordinal) && Enum.TryParse(name, ignoreCase: false, out suite) && Enum.IsDefined(suite);
    }

    /// <summary>The suites to allow for a configured list: the list, plus TLS 1.3's when it names none (see <see cref="Tls13Suites"/>).</summary>
    public static List<TlsCipherSuite> CipherSuites(IReadOnlyList<string> names)
    {
        var suites = new List<TlsCipherSuite>(names.Count + Tls13Suites.Count);
        var hasTls13 = false;
        foreach (var name in names)
        {
            if (TryParseCipherSuite(name, out var suite) && !suites.Contains(suite))
            {
                suites.Add(suite);
                hasTls13 |= Tls13Suites.Contains(suite);
            }
        }

        if (!hasTls13)
        {
            suites.AddRange(Tls13Suites);
        }

        return suites;
    }

    /// <summary>ALPN names Sluice can serve.</summary>
    public static bool IsKnownAlpn(string name) => name is "h2" or "http/1.1";
}
