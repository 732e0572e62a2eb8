using System.Net;

namespace Sluice.Filters.Listener;

/// <summary>Binds and validates <see cref="HttpConnectionManagerSettings"/>; the listener applies them.</summary>
internal sealed class HttpConnectionManagerSettingsDescriptor : ListenerSettingDescriptor<HttpConnectionManagerSettings>
{
    public override string OptionName => "httpConnectionManagerSettings";

    protected override void Validate(HttpConnectionManagerSettings options, IOptionsDiagnostics diagnostics)
    {
        for (var i = 0; i < options.TrustedProxies.Count; i++)
        {
            if (!IPNetwork.TryParse(options.TrustedProxies[i], out _))
            {
                diagnostics.Error($"trustedProxies[{i}]", $"'{options.TrustedProxies[i]}' is not a CIDR such as 10.0.0.0/8 or fd00::/8");
            }
        }

        if (options.PathWithEscapedSlashesAction is PathWithEscapedSlashesAction.KEEP_UNCHANGED)
        {
            diagnostics.Error("pathWithEscapedSlashesAction",
                "KEEP_UNCHANGED would route on one path and forward another (%2F hides a '/'); use REJECT_REQUEST, UNESCAPE_AND_FORWARD or UNESCAPE_AND_REDIRECT");
        }

        if (options.MergeSlashes == false || options.NormalizePath == false)
        {
            diagnostics.Warning(options.MergeSlashes == false ? "mergeSlashes" : "normalizePath",
                "Sluice always normalizes the path (dot segments resolved, '//' merged) so that routing, policy and the forwarded request agree; false is ignored");
        }

        if (options.MaxRequestHeadersKb is 0 or > 8192)
        {
            diagnostics.Error("maxRequestHeadersKb", "must be between 1 and 8192");
        }

        if (options.MaxHeadersCount is 0)
        {
            diagnostics.Error("maxHeadersCount", "must be at least 1");
        }

        if (options.RequestHeadersTimeout is { } headersTimeout && headersTimeout <= TimeSpan.Zero)
        {
            diagnostics.Error("requestHeadersTimeout", "must be positive");
        }

        if (options.IdleTimeout is { } idle && idle < TimeSpan.Zero)
        {
            diagnostics.Error("idleTimeout", "must not be negative (0 disables it)");
        }

        if (options.Http2ProtocolOptions is { } http2)
        {
            if (http2.MaxConcurrentStreams is 0)
            {
                diagnostics.Error("http2ProtocolOptions.maxConcurrentStreams", "must be at least 1");
            }

            // RFC 9113: windows are at least 65535 and at most 2^31-1.
            if (http2.InitialStreamWindowSize is < 65535 or > int.MaxValue)
            {
                diagnostics.Error("http2ProtocolOptions.initialStreamWindowSize", "must be between 65535 and 2147483647");
            }

            if (http2.InitialConnectionWindowSize is < 65535 or > int.MaxValue)
            {
                diagnostics.Error("http2ProtocolOptions.initialConnectionWindowSize", "must be between 65535 and 2147483647");
            }
        }

        if (options.ForwardClientCertDetails is ForwardClientCertDetails.FORWARD_ONLY or ForwardClientCertDetails.APPEND_FORWARD or ForwardClientCertDetails.ALWAYS_FORWARD_ONLY)
        {
            diagnostics.Error("forwardClientCertDetails",
                $"{options.ForwardClientCertDetails} would pass on an x-forwarded-client-cert the client wrote; at the edge Sluice always removes it: use SANITIZE (the default) or SANITIZE_SET");
        }

        if (options.SetCurrentClientCertDetails is { Chain: true })
        {
            diagnostics.Warning("setCurrentClientCertDetails.chain", "the client's chain is not forwarded (Sluice forwards Hash, Cert, Subject, URI and DNS); chain is ignored");
        }

        if (options.MaxConnections is 0)
        {
            diagnostics.Error("maxConnections", "must be at least 1");
        }
    }
}
