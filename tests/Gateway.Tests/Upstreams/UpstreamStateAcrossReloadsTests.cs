using Sluice.Discovery.Loading;
using Sluice.Discovery.Snapshots;
using Sluice.Filters;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Translation;
using Sluice.Gateway.Upstreams;
using Sluice.Gateway.Upstreams.HealthChecking;
using Sluice.Gateway.Upstreams.LoadBalancing;
using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Gateway.Tests.Upstreams;

/// <summary>The translator binds each snapshot's clusters to the long-lived registry: state survives reloads, removed endpoints are forgotten.</summary>
public sealed class UpstreamStateAcrossReloadsTests : IDisposable
{
    private readonly FakeTime _time = new();
    private readonly UpstreamInvokerPool _invokers = new();
    private readonly UpstreamStateRegistry _registry;
    private readonly ConfigTranslator _translator;

    public UpstreamStateAcrossReloadsTests()
    {
        _registry = new UpstreamStateRegistry(_time, new Random(1), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        _translator = new ConfigTranslator(FilterRegistry.Default, _invokers, new CertificateCache(), _registry);
    }

    [Fact]
    public void SameUpstreamAndAddress_KeepsItsEjectionAcrossAReload()
    {
        var first = Translate(Upstream(["10.0.0.1", "10.0.0.2"], outlier: "consecutive5xx: 1\n      maxEjectionPercent: 50"));
        var cluster = first.Clusters["default/api"];
        var bad = cluster.Endpoints[0];
        bad.State.BeginAttempt();
        cluster.ReportOutcome(bad, 500, ForwarderError.None);

        var second = Translate(Upstream(["10.0.0.1", "10.0.0.2", "10.0.0.3"], outlier: "consecutive5xx: 1\n      maxEjectionPercent: 50"));
        _registry.Retain(second.Clusters.Values);
        var reloaded = second.Clusters["default/api"];

        Assert.NotSame(cluster, reloaded);
        Assert.Same(bad.State, reloaded.Endpoints[0].State);
        Assert.True(reloaded.Endpoints[0].State.IsEjected(_time.GetTimestamp()));
        Assert.DoesNotContain(reloaded.CurrentSelection().Candidates, e => e.Address == "10.0.0.1:8080");
    }

    [Fact]
    public void RemovedEndpoint_IsForgotten_AndComesBackFresh()
    {
        var first = Translate(Upstream(["10.0.0.1", "10.0.0.2"], outlier: "consecutive5xx: 1\n      maxEjectionPercent: 50"));
        var cluster = first.Clusters["default/api"];
        cluster.Endpoints[0].State.BeginAttempt();
        cluster.ReportOutcome(cluster.Endpoints[0], 500, ForwarderError.None);

        var without = Translate(Upstream(["10.0.0.2"], outlier: "consecutive5xx: 1\n      maxEjectionPercent: 50"));
        _registry.Retain(without.Clusters.Values);
        Assert.Equal(0, _registry.Get("default/api").EjectedCount);

        var back = Translate(Upstream(["10.0.0.1", "10.0.0.2"], outlier: "consecutive5xx: 1\n      maxEjectionPercent: 50"));
        Assert.NotSame(cluster.Endpoints[0].State, back.Clusters["default/api"].Endpoints[0].State);
        Assert.False(back.Clusters["default/api"].Endpoints[0].State.IsEjected(_time.GetTimestamp()));
    }

    [Fact]
    public void RemovedUpstream_IsForgotten()
    {
        var first = Translate(Upstream(["10.0.0.1"]));
        _registry.Retain(first.Clusters.Values);
        Assert.True(_registry.TryGet("default/api", out _));

        var empty = Translate(string.Empty);
        _registry.Retain(empty.Clusters.Values);

        Assert.False(_registry.TryGet("default/api", out _));
    }

    [Fact]
    public void EndpointAddedToAnExistingUpstream_IsInSlowStart_TheFirstOnesAreNot()
    {
        var first = Translate(Upstream(["10.0.0.1"]));
        _time.Advance(TimeSpan.FromSeconds(5));
        var second = Translate(Upstream(["10.0.0.1", "10.0.0.2"]));

        Assert.Equal(long.MinValue, first.Clusters["default/api"].Endpoints[0].State.ServingSince);
        Assert.Equal(_time.GetTimestamp(), second.Clusters["default/api"].Endpoints[1].State.ServingSince);
    }

    [Fact]
    public void Policies_AreCompiledFromTheSpec()
    {
        var config = Translate("""
            apiVersion: gateway.sluice.dev/v1
            kind: Upstream
            metadata: {name: api, namespace: default}
            spec:
              static:
                hosts:
                  - {addr: 10.0.0.1, port: 8080, loadBalancingWeight: 3}
                  - {addr: 10.0.0.2, port: 8080}
              loadBalancerConfig:
                healthyPanicThreshold: 25
                leastRequest: {choiceCount: 3, slowStartConfig: {slowStartWindow: 30s}}
              circuitBreakers: {maxConnections: 10, maxPendingRequests: 5, maxRequests: 20, maxRetries: 2}
              connectionConfig:
                connectTimeout: 2s
                commonHttpProtocolOptions: {idleTimeout: 0s}
                tcpKeepalive: {keepaliveTime: 30s, keepaliveInterval: 5s, keepaliveProbes: 3}
              healthChecks:
                - timeout: 1s
                  interval: 2s
                  unhealthyThreshold: 2
                  healthyThreshold: 1
                  httpHealthCheck: {path: /healthz}
            """);
        var cluster = config.Clusters["default/api"];

        Assert.Equal(3, cluster.Endpoints[0].Weight);
        Assert.Equal(3, Assert.IsType<LeastRequestLoadBalancer>(cluster.LoadBalancer).ChoiceCount);
        Assert.Equal(25, cluster.HealthyPanicThreshold);
        Assert.Equal((10, 5, 20, 2), (cluster.CircuitBreaker.MaxConnections, cluster.CircuitBreaker.MaxPendingRequests, cluster.CircuitBreaker.MaxRequests, cluster.CircuitBreaker.MaxRetries));
        var connection = cluster.Endpoints[0].Connection!;
        Assert.Equal(10, connection.MaxConnectionsPerServer);
        Assert.Equal("default/api", connection.Owner);
        Assert.Equal(TimeSpan.FromSeconds(2), connection.ConnectTimeout);
        Assert.Equal(Timeout.InfiniteTimeSpan, connection.IdleTimeout);
        Assert.Equal(new TcpKeepAliveSettings(3, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5)), connection.TcpKeepAlive);
        Assert.Equal("/healthz", Assert.IsType<HealthCheckPolicy>(cluster.HealthCheck).HttpPath);
        Assert.Null(cluster.OutlierDetector);
        Assert.Contains("slowStart 30000ms", cluster.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultUpstream_IsRoundRobinWithEnvoyDefaults()
    {
        var cluster = Translate(Upstream(["10.0.0.1"])).Clusters["default/api"];

        Assert.IsType<RoundRobinLoadBalancer>(cluster.LoadBalancer);
        Assert.Equal(50, cluster.HealthyPanicThreshold);
        Assert.Equal(1024, cluster.Endpoints[0].Connection!.MaxConnectionsPerServer);
        Assert.Null(cluster.Endpoints[0].Connection!.Owner);
        Assert.Null(cluster.HealthCheck);
    }

    public void Dispose() => _invokers.Dispose();

    private CompiledConfig Translate(string yaml)
    {
        var loaded = new ResourceFileLoader(FilterRegistry.Default).Load("upstreams.yaml", yaml);
        var snapshot = SnapshotBuilder.Build([loaded], new LastGoodResources(), ResourceSnapshot.Empty, TimeProvider.System);
        return _translator.Translate(snapshot);
    }

    private static string Upstream(string[] addresses, string? outlier = null) => $"""
        apiVersion: gateway.sluice.dev/v1
        kind: Upstream
        metadata: {"{name: api, namespace: default}"}
        spec:
          static:
            hosts:
        {string.Concat(addresses.Select(a => $"      - {{addr: {a}, port: 8080}}\n"))}{(outlier is null ? string.Empty : $"  outlierDetection:\n      {outlier}\n")}
        """;
}
