using System.Net;
using Sluice.Discovery.Model;
using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Upstreams.CircuitBreaking;
using Sluice.Gateway.Upstreams.HealthChecking;
using Sluice.Gateway.Upstreams.LoadBalancing;
using Sluice.Gateway.Upstreams.OutlierDetection;
using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Gateway.Upstreams;

/// <summary>
/// Builds one snapshot's <see cref="UpstreamCluster"/> from an Upstream's spec: endpoints (bound to their long-lived
/// state and connection pool), load balancer, circuit breakers, outlier detection and health check policy. A
/// function of the spec plus the long-lived registries; called by the translator, never on the request path.
/// </summary>
internal sealed class UpstreamClusterFactory(UpstreamInvokerPool invokers, UpstreamStateRegistry registry)
{
    public UpstreamCluster Create(string name, UpstreamSpec spec, StaticUpstream hosts, UpstreamTlsPolicy? tlsPolicy = null)
    {
        var state = registry.Get(name);
        var now = registry.Time.GetTimestamp();
        var endpoints = new UpstreamEndpoint[hosts.Hosts.Count];
        for (var i = 0; i < endpoints.Length; i++)
        {
            endpoints[i] = Endpoint(name, spec, hosts, hosts.Hosts[i], state, now, tlsPolicy);
        }

        state.MarkBuilt();
        var lb = spec.LoadBalancerConfig;
        var breakers = spec.CircuitBreakers;
        return new UpstreamCluster(name, endpoints, RequestConfigFor(spec), new UpstreamClusterOptions
        {
            State = state,
            LoadBalancer = CreateLoadBalancer(lb, endpoints),
            SlowStart = CreateSlowStart(lb?.RoundRobin?.SlowStartConfig ?? lb?.LeastRequest?.SlowStartConfig),
            HealthyPanicThreshold = lb?.HealthyPanicThreshold ?? 50,
            CircuitBreaker = new CircuitBreaker(
                (int)(breakers?.MaxConnections ?? CircuitBreaker.DefaultLimit),
                (int)(breakers?.MaxPendingRequests ?? CircuitBreaker.DefaultLimit),
                (int)(breakers?.MaxRequests ?? CircuitBreaker.DefaultLimit),
                (int)(breakers?.MaxRetries ?? CircuitBreaker.DefaultMaxRetries),
                endpoints.Length,
                multiplexed: spec.UseHttp2),
            OutlierDetector = spec.OutlierDetection is { } outlier ? new OutlierDetector(outlier) : null,
            HealthCheck = spec.HealthChecks.Count > 0 && (spec.HealthChecks[0].HttpHealthCheck is not null || spec.HealthChecks[0].TcpHealthCheck is not null)
                ? new HealthCheckPolicy(spec.HealthChecks[0])
                : null,
            Time = registry.Time,
            Random = registry.Random,
            Logger = registry.Logger,
        });
    }

    public static ForwarderRequestConfig RequestConfigFor(UpstreamSpec spec) => spec.UseHttp2
        ? new ForwarderRequestConfig { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact }
        : new ForwarderRequestConfig { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };

    private UpstreamEndpoint Endpoint(string upstream, UpstreamSpec spec, StaticUpstream hosts, StaticHost host, UpstreamState state, long now, UpstreamTlsPolicy? tlsPolicy)
    {
        var tls = hosts.UseTls || spec.SslConfig is not null;
        var address = host.Addr.Contains(':') && !host.Addr.StartsWith('[') ? $"[{host.Addr}]" : host.Addr;
        var sni = spec.SslConfig?.Sni ?? host.SniAddr ?? (tls && !IPAddress.TryParse(host.Addr, out _) ? host.Addr : null);
        var connection = spec.ConnectionConfig;
        var keepAlive = connection?.TcpKeepalive;
        var idle = connection?.CommonHttpProtocolOptions?.IdleTimeout ?? UpstreamConnectionSettings.DefaultIdleTimeout;
        var settings = new UpstreamConnectionSettings(tls, sni, spec.SslConfig?.InsecureSkipVerify ?? false)
        {
            MaxConnectionsPerServer = (int)(spec.CircuitBreakers?.MaxConnections ?? CircuitBreaker.DefaultLimit),
            ConnectTimeout = connection?.ConnectTimeout ?? UpstreamConnectionSettings.DefaultConnectTimeout,

            // Envoy: an idle timeout of 0 disables it.
            IdleTimeout = idle == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : idle,
            TcpKeepAlive = keepAlive is null ? null : new TcpKeepAliveSettings((int?)keepAlive.KeepaliveProbes, keepAlive.KeepaliveTime, keepAlive.KeepaliveInterval),
            Owner = spec.CircuitBreakers?.MaxConnections is null ? null : upstream,
            TlsPolicy = tls ? tlsPolicy : null,
            TlsOnConnect = tls && !spec.UseHttp2,
        };
        var hostPort = $"{address}:{host.Port}";
        return new UpstreamEndpoint($"{(settings.Tls && !settings.TlsOnConnect ? "https" : "http")}://{hostPort}/", invokers.Get(settings))
        {
            Address = hostPort,
            Weight = (int)Math.Min(host.LoadBalancingWeight ?? 1, int.MaxValue),
            State = state.Endpoint(hostPort, now),
            Connection = settings,
        };
    }

    private LoadBalancer CreateLoadBalancer(LoadBalancerConfig? config, UpstreamEndpoint[] endpoints)
    {
        if (config?.LeastRequest is { } leastRequest)
        {
            return new LeastRequestLoadBalancer((int)(leastRequest.ChoiceCount ?? LeastRequestLoadBalancer.DefaultChoiceCount), registry.Random);
        }

        if (config?.Random is not null)
        {
            return new RandomLoadBalancer(registry.Random);
        }

        if (config?.RingHash is { } ringHash)
        {
            return new RingHashLoadBalancer(
                endpoints,
                ringHash.RingHashConfig?.MinimumRingSize ?? RingHashLoadBalancer.DefaultMinimumRingSize,
                ringHash.RingHashConfig?.MaximumRingSize ?? RingHashLoadBalancer.DefaultMaximumRingSize,
                registry.Random);
        }

        if (config?.Maglev is not null)
        {
            return new MaglevLoadBalancer(registry.Random);
        }

        return new RoundRobinLoadBalancer();
    }

    private static SlowStart? CreateSlowStart(SlowStartConfig? config) => config?.SlowStartWindow is { } window && window > TimeSpan.Zero
        ? new SlowStart(window, config.Aggression ?? 1.0, config.MinWeightPercent ?? 10)
        : null;
}
