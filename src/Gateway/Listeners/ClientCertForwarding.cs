using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Sluice.Filters.Listener;
using Sluice.Gateway.Tls;

namespace Sluice.Gateway.Listeners;

/// <summary>
/// What the gateway tells upstreams about a verified client certificate in <c>x-forwarded-client-cert</c> (XFCC),
/// in Envoy's format: <c>By=&lt;our URI SAN&gt;;Hash=&lt;SHA-256 of the client DER&gt;;Cert="...";Subject="...";URI=...;DNS=...</c>.
/// Envoy's <c>forwardClientCertDetails</c> modes that trust the client's own header (FORWARD_ONLY, APPEND_FORWARD,
/// ALWAYS_FORWARD_ONLY) are not offered: at the edge the client's XFCC is always removed first, whatever the mode.
/// </summary>
internal sealed record ClientCertForwarding(bool SetHeader, bool Subject, bool Cert, bool Dns, bool Uri)
{
    public const string HeaderName = "x-forwarded-client-cert";

    /// <summary>Envoy's default (SANITIZE): remove the client's header, add nothing.</summary>
    public static ClientCertForwarding Sanitize { get; } = new(false, false, false, false, false);

    /// <summary>From <c>forwardClientCertDetails</c> and <c>setCurrentClientCertDetails</c>; only SANITIZE_SET adds the header.</summary>
    public static ClientCertForwarding From(ListenerSettings settings) => settings.ForwardClientCertDetails == ForwardClientCertDetails.SANITIZE_SET
        ? new(true, settings.SetCurrentClientCertDetails.Subject, settings.SetCurrentClientCertDetails.Cert, settings.SetCurrentClientCertDetails.Dns, settings.SetCurrentClientCertDetails.Uri)
        : Sanitize;

    /// <summary>The header value for one connection's client certificate, served by <paramref name="server"/>.</summary>
    public string Format(X509Certificate2 client, X509Certificate2 server)
    {
        var builder = new StringBuilder(256);
        var serverNames = SubjectAltNames.Read(server);
        if (serverNames.Uris.Count > 0)
        {
            builder.Append("By=").Append(Quote(serverNames.Uris[0])).Append(';');
        }

        builder.Append("Hash=").Append(Convert.ToHexStringLower(SHA256.HashData(client.RawData)));
        if (Cert)
        {
            builder.Append(";Cert=\"").Append(System.Uri.EscapeDataString(client.ExportCertificatePem())).Append('"');
        }

        var clientNames = Subject || Dns || Uri ? SubjectAltNames.Read(client) : null;
        if (Subject)
        {
            builder.Append(";Subject=\"").Append(Rfc2253(client.SubjectName).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
        }

        if (Uri)
        {
            foreach (var uri in clientNames!.Uris)
            {
                builder.Append(";URI=").Append(Quote(uri));
            }
        }

        if (Dns)
        {
            foreach (var dns in clientNames!.Dns)
            {
                builder.Append(";DNS=").Append(Quote(dns));
            }
        }

        return builder.ToString();
    }

    /// <summary>XFCC values holding <c>,</c> <c>;</c> <c>=</c> or <c>"</c> are quoted, as Envoy documents.</summary>
    private static string Quote(string value) => value.AsSpan().IndexOfAny(",;=\"") < 0 ? value : $"\"{value.Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    /// <summary>The subject as RFC 2253 writes it (most specific first, no spaces), as Envoy prints it.</summary>
    private static string Rfc2253(X500DistinguishedName name)
    {
        var parts = new List<string>();
        // Enumerated most specific first (reversed from the DER order), which is RFC 2253's order.
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames(reversed: true))
        {
            if (rdn.HasMultipleElements)
            {
                continue;
            }

            var oid = rdn.GetSingleElementType();
            var label = oid.Value switch
            {
                "2.5.4.3" => "CN",
                "2.5.4.6" => "C",
                "2.5.4.7" => "L",
                "2.5.4.8" => "ST",
                "2.5.4.10" => "O",
                "2.5.4.11" => "OU",
                "0.9.2342.19200300.100.1.25" => "DC",
                _ => oid.Value,
            };
            parts.Add($"{label}={Escape(rdn.GetSingleElementValue() ?? string.Empty)}");
        }

        return string.Join(",", parts);
    }

    private static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is ',' or '+' or '"' or '\\' or '<' or '>' or ';')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
