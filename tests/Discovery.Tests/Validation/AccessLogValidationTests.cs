using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests.Validation;

public class AccessLogValidationTests
{
    private const string Header = """
        apiVersion: gateway.solo.io/v1
        kind: Gateway
        metadata: {name: gateway-proxy, namespace: gloo-system}
        spec:
          bindAddress: '::'
          bindPort: 8080
          options:
            accessLoggingService:
              accessLog:

        """;

    [Fact]
    public void GlooAccessLogWithFormatAndFilter_LoadsAndValidatesClean()
    {
        var gateway = Yaml.LoadOne<Gateway>(Header + """
                  - fileSink:
                      path: /dev/stdout
                      stringFormat: >
                        [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%"
                        %RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION%
                        %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
                        "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"
                    filter:
                      orFilter:
                        filters:
                          - statusCodeFilter: {comparison: {op: GE, value: {defaultValue: 500, runtimeKey: a}}}
                          - durationFilter: {comparison: {op: GE, value: {defaultValue: 1000, runtimeKey: b}}}
                  - fileSink:
                      path: /var/log/sluice/access.json
                      jsonFormat: {status: '%RESPONSE_CODE%', agent: '%REQ(USER-AGENT):40%'}
            """);

        Assert.Empty(Sluice.Discovery.Validation.ResourceValidator.Validate(gateway));
        var logs = gateway.Spec.Options!.AccessLoggingService!.AccessLog;
        Assert.Equal(2, logs.Count);
        Assert.Equal(ComparisonOp.GE, logs[0].Filter!.OrFilter!.Filters[0].StatusCodeFilter!.Comparison!.Op);
        Assert.Equal(1000u, logs[0].Filter!.OrFilter!.Filters[1].DurationFilter!.Comparison!.Value!.DefaultValue);
    }

    [Fact]
    public void UnknownCommand_IsAnErrorNamingIt_AtTheFormat()
    {
        var diagnostics = Yaml.Validate(Header + """
                  - fileSink:
                      path: /dev/stdout
                      stringFormat: "%START_TIME% %UPSTREAM_TRANSPORT_FAILURE_REASON%"
            """);

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "options.accessLoggingService.accessLog[0].fileSink.stringFormat", 12, 25,
            "%UPSTREAM_TRANSPORT_FAILURE_REASON% is not a command Sluice knows");
    }

    [Fact]
    public void JsonFormatField_WithAnUnclosedCommand_IsAnErrorAtThatKey()
    {
        var diagnostics = Yaml.Validate(Header + """
                  - fileSink:
                      path: /dev/stdout
                      jsonFormat: {status: '%RESPONSE_CODE'}
            """);

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "options.accessLoggingService.accessLog[0].fileSink.jsonFormat.status", 12, 32, "never closed");
    }

    [Fact]
    public void FilterWithTwoKinds_IsAnError()
    {
        var diagnostics = Yaml.Validate(Header + """
                  - fileSink: {path: /dev/stdout}
                    filter:
                      statusCodeFilter: {comparison: {op: GE, value: {defaultValue: 500}}}
                      durationFilter: {comparison: {op: GE, value: {defaultValue: 10}}}
            """);

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "options.accessLoggingService.accessLog[0].filter", 12, 11, "exactly one of");
    }

    [Fact]
    public void UnsupportedEnvoyFilter_IsAnError_NotSilentlyIgnored()
    {
        var document = Yaml.LoadDocument(Header + """
                  - fileSink: {path: /dev/stdout}
                    filter:
                      notHealthCheckFilter: {}
            """);

        Assert.Contains(document.Diagnostics, d => d.IsError && d.FieldPath.EndsWith("filter.notHealthCheckFilter", StringComparison.Ordinal));
    }
}
