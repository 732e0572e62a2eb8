using Sluice.Discovery.Loading;
using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests.Loading;

public class DurationTests
{
    private static string RouteTableWithTimeout(string timeout) => $$"""
        apiVersion: gateway.solo.io/v1
        kind: RouteTable
        metadata: {name: catalog-routes, namespace: shop}
        spec:
          routes:
            - matchers: [{prefix: /api/catalog}]
              routeAction:
                single:
                  upstream: {name: catalog}
              options:
                timeout: {{timeout}}
        """;

    [Theory]
    [InlineData("15s", 15_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("250ms", 250)]
    [InlineData("1m30s", 90_000)]
    [InlineData("\"2s\"", 2_000)]
    public void Timeout_StringForms_Bind(string yaml, double milliseconds)
    {
        var table = Yaml.LoadOne<RouteTable>(RouteTableWithTimeout(yaml));

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Assert.Single(table.Spec.Routes).Options.Values["timeout"]);
    }

    [Fact]
    public void Timeout_ProtobufMappingForm_Binds()
    {
        var table = Yaml.LoadOne<RouteTable>(RouteTableWithTimeout("{seconds: 1, nanos: 500000000}"));

        Assert.Equal(TimeSpan.FromMilliseconds(1500), Assert.Single(table.Spec.Routes).Options.Values["timeout"]);
    }

    [Fact]
    public void Timeout_WithoutUnit_IsAnErrorAtTheValue()
    {
        var document = Yaml.LoadDocument(RouteTableWithTimeout("15"));

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "routes[0].options.timeout", 11, 18,
            "'15' is not a duration; write it with a unit, like '15s', '1.5s' or '250ms'");
        Assert.Null(document.Resource);
    }

    [Fact]
    public void Timeout_MappingWithUnknownKey_IsAnError()
    {
        var document = Yaml.LoadDocument(RouteTableWithTimeout("{seconds: 1, millis: 5}"));

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "routes[0].options.timeout", 11, 39, "a duration mapping takes integer 'seconds' and 'nanos'");
    }

    [Fact]
    public void Timeout_Negative_RefusedByTheTimeoutFilter()
    {
        var document = Yaml.LoadDocument(RouteTableWithTimeout("{seconds: -1}"));

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "routes[0].options.timeout", 11, 9, "timeout must not be negative");
    }

    [Fact]
    public void Timeout_MappingTooLarge_IsAnErrorNotACrash()
    {
        var document = Yaml.LoadDocument(RouteTableWithTimeout("{seconds: 99999999999999}"));

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "routes[0].options.timeout", 11, 28, "99999999999999");
    }

    [Fact]
    public void Timeout_MappingWithComplexKey_IsAnErrorNotACrash()
    {
        var document = Yaml.LoadDocument(RouteTableWithTimeout("{[seconds]: 1}"));

        Assert.Equal("routes[0].options.timeout", Assert.Single(document.Diagnostics, d => d.IsError).FieldPath);
    }

    [Theory]
    [InlineData("15s", 15_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("250ms", 250)]
    [InlineData("1m30s", 90_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1h2m3.5s", 3_723_500)]
    [InlineData("100us", 0.1)]
    [InlineData("100µs", 0.1)]
    [InlineData("0s", 0)]
    [InlineData(" 5s ", 5_000)]
    public void TryParse_GoAndProtobufForms(string text, double milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Fact]
    public void TryParse_Nanoseconds_RoundToTicks()
    {
        Assert.True(DurationParser.TryParse("1500ns", out var duration));
        Assert.Equal(TimeSpan.FromTicks(15), duration);
    }

    [Theory]
    [InlineData("15")]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("1.5")]
    [InlineData("-1s")]
    [InlineData("10x")]
    [InlineData("1m 30s")]
    [InlineData("1..5s")]
    [InlineData("1d")]
    [InlineData("99999999999h")]
    public void TryParse_RefusesMissingOrUnknownUnitsAndOverflow(string text)
    {
        Assert.False(DurationParser.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.Zero, duration);
    }
}
