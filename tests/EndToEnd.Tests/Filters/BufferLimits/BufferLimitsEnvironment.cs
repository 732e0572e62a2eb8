using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Filters.BufferLimits;

/// <summary>
/// One gateway for the body limit tests: a Gateway-level <c>buffer</c> of 100 000 bytes, routes that override it with
/// <c>bufferPerRoute</c>, an HTTP/1.1 backend and an h2c backend (for gRPC-typed streams) that record what reached them.
/// </summary>
public sealed class BufferLimitsEnvironment : IAsyncLifetime
{
    public const int GatewayLimit = 100_000;
    public const int RouteLimit = 1000;
    public const int GrpcLimit = 64 * 1024;

    private TestBackend? _backend;
    private TestBackend? _grpcBackend;

    public BodySink Sink { get; } = new();

    public BodySink GrpcSink { get; } = new();

    public GatewayFixture Gateway { get; private set; } = null!;

    public static string GatewayYaml(int port) => $"""
        apiVersion: gateway.sluice.dev/v1
        kind: Gateway
        metadata:
          name: http
          namespace: default
        spec:
          bindAddress: 127.0.0.1
          bindPort: {port}
          httpGateway:
            options:
              buffer:
                maxRequestBytes: {GatewayLimit}

        """;

    public static string UpstreamsYaml(int port, int grpcPort) => $"""
        apiVersion: gateway.sluice.dev/v1
        kind: Upstream
        metadata:
          name: sink
          namespace: default
        spec:
          static:
            hosts:
              - addr: 127.0.0.1
                port: {port}
        ---
        apiVersion: gateway.sluice.dev/v1
        kind: Upstream
        metadata:
          name: grpc-sink
          namespace: default
        spec:
          useHttp2: true
          static:
            hosts:
              - addr: 127.0.0.1
                port: {grpcPort}

        """;

    public static readonly string VirtualServiceYaml = $$"""
        apiVersion: gateway.sluice.dev/v1
        kind: VirtualService
        metadata:
          name: limits
          namespace: default
        spec:
          virtualHost:
            domains: ['*']
            routes:
              - matchers: [{prefix: /limited/}]
                routeAction:
                  single:
                    upstream: {name: sink}
                options:
                  bufferPerRoute:
                    buffer:
                      maxRequestBytes: {{RouteLimit}}
              - matchers: [{prefix: /unlimited/}]
                routeAction:
                  single:
                    upstream: {name: sink}
                options:
                  bufferPerRoute: {disabled: true}
              - matchers: [{prefix: /grpc/}]
                routeAction:
                  single:
                    upstream: {name: grpc-sink}
                options:
                  bufferPerRoute:
                    buffer:
                      maxRequestBytes: {{GrpcLimit}}
              - matchers: [{prefix: /}]
                routeAction:
                  single:
                    upstream: {name: sink}

        """;

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync("sink", Sink.Handler());
        _grpcBackend = await TestBackend.StartAsync("grpc-sink", GrpcSink.Handler(respondFirst: true), HttpProtocols.Http2);
        Gateway = await GatewayFixture.StartAsync(
            g =>
            {
                g.WriteFile("gateway.yaml", GatewayYaml(g.HttpPort));
                g.WriteFile("upstreams.yaml", UpstreamsYaml(_backend.Port, _grpcBackend.Port));
                g.WriteFile("vs.yaml", VirtualServiceYaml);
            },
            defaultGateways: false);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await _grpcBackend!.DisposeAsync();
        await _backend!.DisposeAsync();
    }

    public HttpClient Client(string version) => Gateway.CreateClient(version == "2.0" ? HttpVersion.Version20 : HttpVersion.Version11);

    public static HttpRequestMessage Post(HttpClient client, string path, HttpContent content) => new(HttpMethod.Post, path)
    {
        Version = client.DefaultRequestVersion,
        VersionPolicy = client.DefaultVersionPolicy,
        Content = content,
    };

    public static byte[] Payload(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 31 + 7))];
}
