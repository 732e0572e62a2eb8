using Sluice.Discovery.Loading;
using Sluice.Discovery.Model;
using Sluice.Discovery.Validation;
using Sluice.Filters;

namespace Sluice.Gateway.Tests.Upstreams;

/// <summary>The Upstream schema for resilience: Gloo's field names bind strictly, and what Envoy would reject is an error.</summary>
public sealed class UpstreamConfigTests
{
    [Fact]
    public void GlooUpstreamWithEveryResilienceField_LoadsWithoutDiagnostics()
    {
        var (upstream, diagnostics) = Load("""
              loadBalancerConfig:
                healthyPanicThreshold: 30
                updateMergeWindow: 1s
                ringHash:
                  ringHashConfig: {minimumRingSize: 2048, maximumRingSize: 65536}
              healthChecks:
                - timeout: 1s
                  interval: 5s
                  initialJitter: 100ms
                  intervalJitter: 50ms
                  intervalJitterPercent: 10
                  unhealthyThreshold: 3
                  healthyThreshold: 2
                  noTrafficInterval: 30s
                  reuseConnection: false
                  httpHealthCheck:
                    path: /healthz
                    host: api.internal
                    useHttp2: false
                    expectedStatuses: [{start: 200, end: 300}]
              outlierDetection:
                consecutive5xx: 3
                consecutiveGatewayFailure: 2
                enforcingConsecutiveGatewayFailure: 100
                consecutiveLocalOriginFailure: 4
                splitExternalLocalOriginErrors: true
                interval: 2s
                baseEjectionTime: {seconds: 10}
                maxEjectionTime: 60s
                maxEjectionPercent: 50
              circuitBreakers: {maxConnections: 64, maxPendingRequests: 16, maxRequests: 128, maxRetries: 4}
              connectionConfig:
                connectTimeout: 2s
                tcpKeepalive: {keepaliveProbes: 3, keepaliveTime: 60s, keepaliveInterval: 10s}
                commonHttpProtocolOptions: {idleTimeout: 30s}
              ignoreHealthOnHostRemoval: true
            """);

        Assert.Empty(diagnostics);
        var spec = upstream!.Spec;
        Assert.Equal(2048, spec.LoadBalancerConfig!.RingHash!.RingHashConfig!.MinimumRingSize);
        Assert.Equal(TimeSpan.FromSeconds(10), spec.OutlierDetection!.BaseEjectionTime);
        Assert.Equal(300, Assert.Single(spec.HealthChecks[0].HttpHealthCheck!.ExpectedStatuses).End);
        Assert.Equal(128u, spec.CircuitBreakers!.MaxRequests);
        Assert.Equal(TimeSpan.FromSeconds(30), spec.ConnectionConfig!.CommonHttpProtocolOptions!.IdleTimeout);
    }

    [Fact]
    public void EmptyAlgorithmMessages_BindAsPresent()
    {
        var (upstream, diagnostics) = Load("""
              loadBalancerConfig:
                maglev: {}
              healthChecks:
                - {timeout: 1s, interval: 1s, unhealthyThreshold: 1, healthyThreshold: 1, tcpHealthCheck: {}}
            """);

        Assert.Empty(diagnostics);
        Assert.NotNull(upstream!.Spec.LoadBalancerConfig!.Maglev);
        Assert.NotNull(upstream.Spec.HealthChecks[0].TcpHealthCheck);
    }

    [Theory]
    [InlineData("loadBalancerConfig: {roundRobin: {}, random: {}}", "loadBalancerConfig.random", "choose one load balancer")]
    [InlineData("loadBalancerConfig: {healthyPanicThreshold: 150}", "loadBalancerConfig.healthyPanicThreshold", "between 0 and 100")]
    [InlineData("loadBalancerConfig: {leastRequest: {choiceCount: 1}}", "loadBalancerConfig.leastRequest.choiceCount", "between 2 and 100")]
    [InlineData("loadBalancerConfig: {ringHash: {ringHashConfig: {minimumRingSize: 4096, maximumRingSize: 1024}}}", "loadBalancerConfig.ringHash.ringHashConfig.minimumRingSize", "larger than maximumRingSize")]
    [InlineData("loadBalancerConfig: {roundRobin: {slowStartConfig: {aggression: 2}}}", "loadBalancerConfig.roundRobin.slowStartConfig.slowStartWindow", "positive duration")]
    [InlineData("outlierDetection: {maxEjectionPercent: 101}", "outlierDetection.maxEjectionPercent", "between 0 and 100")]
    [InlineData("outlierDetection: {consecutive5xx: 0}", "outlierDetection.consecutive5xx", "at least 1")]
    [InlineData("outlierDetection: {baseEjectionTime: 0s}", "outlierDetection.baseEjectionTime", "positive duration")]
    [InlineData("circuitBreakers: {maxConnections: 0}", "circuitBreakers.maxConnections", "at least 1")]
    [InlineData("connectionConfig: {connectTimeout: 0s}", "connectionConfig.connectTimeout", "positive duration")]
    [InlineData("healthChecks: [{timeout: 1s, interval: 0s, unhealthyThreshold: 1, healthyThreshold: 1, httpHealthCheck: {path: /h}}]", "healthChecks[0].interval", "positive duration")]
    [InlineData("healthChecks: [{timeout: 1s, interval: 1s, unhealthyThreshold: 0, healthyThreshold: 1, httpHealthCheck: {path: /h}}]", "healthChecks[0].unhealthyThreshold", "at least 1")]
    [InlineData("healthChecks: [{timeout: 1s, interval: 1s, unhealthyThreshold: 1, healthyThreshold: 1, httpHealthCheck: {path: healthz}}]", "healthChecks[0].httpHealthCheck.path", "absolute request path")]
    [InlineData("healthChecks: [{timeout: 1s, interval: 1s, unhealthyThreshold: 1, healthyThreshold: 1, httpHealthCheck: {path: /h, expectedStatuses: [{start: 300, end: 200}]}}]", "healthChecks[0].httpHealthCheck.expectedStatuses[0]", "not a status range")]
    [InlineData("healthChecks: [{timeout: 1s, interval: 1s, unhealthyThreshold: 1, healthyThreshold: 1, httpHealthCheck: {path: /h}, tcpHealthCheck: {}}]", "healthChecks[0].tcpHealthCheck", "choose one health checker")]
    [InlineData("healthChecks: [{timeout: 1s, interval: 1s, unhealthyThreshold: 1, healthyThreshold: 1, tcpHealthCheck: {}}, {timeout: 1s, interval: 1s, unhealthyThreshold: 1, healthyThreshold: 1, tcpHealthCheck: {}}]", "healthChecks", "only one health check")]
    public void InvalidSettings_AreErrorsAtTheirField(string yaml, string field, string message)
    {
        var (_, diagnostics) = Load("  " + yaml);

        var error = Assert.Single(diagnostics, d => d.IsError);
        Assert.Equal(field, error.FieldPath);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HealthCheckWithoutTimeout_IsAMissingRequiredField()
    {
        var (_, diagnostics) = Load("""
              healthChecks:
                - {interval: 1s, unhealthyThreshold: 1, healthyThreshold: 1, httpHealthCheck: {path: /h}}
            """);

        Assert.Contains(diagnostics, d => d.IsError && d.FieldPath == "healthChecks[0].timeout" && d.Message.Contains("missing required field", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("loadBalancerConfig: {localityWeightedLbConfig: {}}", "loadBalancerConfig.localityWeightedLbConfig")]
    [InlineData("connectionConfig: {maxRequestsPerConnection: 1}", "connectionConfig.maxRequestsPerConnection")]
    [InlineData("connectionConfig: {commonHttpProtocolOptions: {maxHeadersCount: 50}}", "connectionConfig.commonHttpProtocolOptions.maxHeadersCount")]
    [InlineData("outlierDetection: {enforcingSuccessRate: 100}", "outlierDetection.enforcingSuccessRate")]
    [InlineData("healthChecks: [{timeout: 1s, interval: 1s, unhealthyThreshold: 1, healthyThreshold: 1, grpcHealthCheck: {}}]", "healthChecks[0].grpcHealthCheck")]
    public void KnownButUnsupportedGlooFields_AreWarnings(string yaml, string field)
    {
        var (upstream, diagnostics) = Load("  " + yaml);

        Assert.NotNull(upstream);
        Assert.DoesNotContain(diagnostics, d => d.IsError);
        Assert.Contains(diagnostics, d => d.FieldPath == field && d.Message.Contains("not supported by Sluice yet", StringComparison.Ordinal));
    }

    [Fact]
    public void ZeroWeight_IsAnError()
    {
        var (_, diagnostics) = Load(string.Empty, hosts: "      - {addr: 10.0.0.1, port: 80, loadBalancingWeight: 0}\n");

        Assert.Equal("static.hosts[0].loadBalancingWeight", Assert.Single(diagnostics).FieldPath);
    }

    /// <summary>Loads an Upstream with <paramref name="specFields"/> under spec, then validates it; returns every diagnostic.</summary>
    private static (Upstream? Upstream, List<Diagnostic> Diagnostics) Load(string specFields, string hosts = "      - {addr: 10.0.0.1, port: 80}\n")
    {
        var yaml = $"""
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {"{name: api, namespace: default}"}
            spec:
              static:
                hosts:
            {hosts}{specFields}

            """;
        var document = Assert.Single(new ResourceFileLoader(FilterRegistry.Default).Load("upstream.yaml", yaml).Documents);
        var diagnostics = document.Diagnostics.ToList();
        if (document.Resource is Upstream upstream)
        {
            diagnostics.AddRange(ResourceValidator.Validate(upstream));
        }

        return (document.Resource as Upstream, diagnostics);
    }
}
