using Sluice.Filters.HeaderManipulation;

namespace Sluice.Filters.Tests.HeaderManipulation;

public sealed class HeaderManipulationValidationTests
{
    private static readonly HeaderManipulationFilterDescriptor Descriptor = new();

    [Fact]
    public void Validate_ValidOptions_ReportsNothing()
    {
        var options = new HeaderManipulationOptions
        {
            RequestHeadersToAdd = [Request("x-client", "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%"), Request("x-env", "prod", append: false)],
            RequestHeadersToRemove = ["x-internal"],
            ResponseHeadersToAdd = [new HeaderValueOption { Header = new HeaderValue { Key = "x-served-by", Value = "%HOSTNAME%" } }],
            ResponseHeadersToRemove = ["server"],
        };

        Assert.Empty(RecordingDiagnostics.Validate(Descriptor, options));
    }

    [Theory]
    [InlineData("a\r\nx-injected: 1", "header value must not contain CR, LF or NUL (they would let a value inject headers)")]
    [InlineData("a\nb", "header value must not contain CR, LF or NUL (they would let a value inject headers)")]
    [InlineData("a\0b", "header value must not contain CR, LF or NUL (they would let a value inject headers)")]
    [InlineData("caf\u00e9", "header value contains the character U+00E9; only printable ASCII and tab are allowed (Kestrel and HttpClient refuse others)")]
    [InlineData("a\u0007", "header value contains the character U+0007; only printable ASCII and tab are allowed (Kestrel and HttpClient refuse others)")]
    [InlineData("%CLIENT%", "unknown variable '%CLIENT%'; Sluice supports " + HeaderValueTemplate.SupportedVariables)]
    public void Validate_BadValue_IsAnErrorAtItsValue(string value, string message)
    {
        var options = new HeaderManipulationOptions { RequestHeadersToAdd = [Request("x-ok", "fine"), Request("x-bad", value)] };

        Assert.Equal([$"error requestHeadersToAdd[1].header.value: {message}"], RecordingDiagnostics.Validate(Descriptor, options));
    }

    [Fact]
    public void Validate_BadResponseValue_IsAnErrorAtItsValue()
    {
        var options = new HeaderManipulationOptions
        {
            ResponseHeadersToAdd = [new HeaderValueOption { Header = new HeaderValue { Key = "x-a", Value = "%BOGUS%" } }],
        };

        Assert.Equal(
            ["error responseHeadersToAdd[0].header.value: unknown variable '%BOGUS%'; Sluice supports " + HeaderValueTemplate.SupportedVariables],
            RecordingDiagnostics.Validate(Descriptor, options));
    }

    [Theory]
    [InlineData(":path", "':path' is a pseudo-header, which headerManipulation cannot set or remove; use prefixRewrite, regexRewrite or hostRewrite to change the path or authority")]
    [InlineData(":authority", "':authority' is a pseudo-header, which headerManipulation cannot set or remove; use prefixRewrite, regexRewrite or hostRewrite to change the path or authority")]
    [InlineData("Host", "'host' cannot be set or removed by headerManipulation; use hostRewrite to change the Host sent upstream")]
    [InlineData("content-length", "'content-length' frames the message body and is set by the gateway; changing it would corrupt the body")]
    [InlineData("Transfer-Encoding", "'Transfer-Encoding' frames the message body and is set by the gateway; changing it would corrupt the body")]
    [InlineData("connection", "'connection' is a hop-by-hop header: it describes a single connection and the gateway never forwards it (RFC 9110 section 7.6.1)")]
    [InlineData("Keep-Alive", "'Keep-Alive' is a hop-by-hop header: it describes a single connection and the gateway never forwards it (RFC 9110 section 7.6.1)")]
    [InlineData("upgrade", "'upgrade' is a hop-by-hop header: it describes a single connection and the gateway never forwards it (RFC 9110 section 7.6.1)")]
    [InlineData("te", "'te' is a hop-by-hop header: it describes a single connection and the gateway never forwards it (RFC 9110 section 7.6.1)")]
    [InlineData("x bad", "'x bad' is not a valid header name; use letters, digits and !#$%&'*+-.^_`|~ only")]
    [InlineData("x:y", "'x:y' is not a valid header name; use letters, digits and !#$%&'*+-.^_`|~ only")]
    [InlineData("x\r\ny", "header name must not contain CR, LF or NUL")]
    [InlineData("", "header name must not be empty")]
    public void Validate_ForbiddenName_IsAnErrorOnEverySide(string name, string message)
    {
        var options = new HeaderManipulationOptions
        {
            RequestHeadersToAdd = [Request(name, "v")],
            RequestHeadersToRemove = ["x-fine", name],
            ResponseHeadersToAdd = [new HeaderValueOption { Header = new HeaderValue { Key = name, Value = "v" } }],
            ResponseHeadersToRemove = [name],
        };

        Assert.Equal(
            [
                $"error requestHeadersToAdd[0].header.key: {message}",
                $"error requestHeadersToRemove[1]: {message}",
                $"error responseHeadersToAdd[0].header.key: {message}",
                $"error responseHeadersToRemove[0]: {message}",
            ],
            RecordingDiagnostics.Validate(Descriptor, options));
    }

    [Fact]
    public void Validate_HeaderSecretRef_IsNotSupported()
    {
        var options = new HeaderManipulationOptions
        {
            RequestHeadersToAdd = [new RequestHeaderValueOption { HeaderSecretRef = new HeaderSecretReference { Name = "s", Namespace = "default" } }],
        };

        Assert.Equal(
            ["error requestHeadersToAdd[0].headerSecretRef: Gloo field 'headerSecretRef' is not supported by Sluice yet; write the value under 'header' or the resource cannot be served as written"],
            RecordingDiagnostics.Validate(Descriptor, options));
    }

    [Fact]
    public void Validate_EntryWithoutHeader_IsAnError()
    {
        var options = new HeaderManipulationOptions { RequestHeadersToAdd = [new RequestHeaderValueOption { Append = false }] };

        Assert.Equal(
            ["error requestHeadersToAdd[0]: missing required field 'header' (a key and a value)"],
            RecordingDiagnostics.Validate(Descriptor, options));
    }

    [Fact]
    public void Validate_EmptyValue_IsAWarningBecauseItIsNeverAdded()
    {
        var options = new HeaderManipulationOptions { RequestHeadersToAdd = [Request("x-empty", string.Empty)] };

        Assert.Equal(
            ["warning requestHeadersToAdd[0].header.value: an empty value is never added (Envoy skips empty header values), so 'x-empty' is left as it is"],
            RecordingDiagnostics.Validate(Descriptor, options));
    }

    private static RequestHeaderValueOption Request(string key, string value, bool append = true) =>
        new() { Header = new HeaderValue { Key = key, Value = value }, Append = append };
}
