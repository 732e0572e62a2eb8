using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Filters.Compression;

/// <summary>
/// One gateway for the compression tests: a Gateway whose <c>httpGateway.options.gzip</c> enables gzip and brotli for
/// every route, a virtual service with routes that override it, and a backend serving bodies of every kind.
/// </summary>
public sealed class CompressionEnvironment : IAsyncLifetime
{
    public static readonly byte[] Text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 400).Select(i => $"line {i}: the quick brown fox jumps over the lazy dog\n")));

    public static readonly byte[] Png = [.. Enumerable.Range(0, 4000).Select(i => (byte)(i * 7))];

    public static readonly byte[] FirstChunk = Encoding.UTF8.GetBytes("data: first event of the stream, sent before the backend is done\n\n");

    public static readonly byte[] SecondChunk = Encoding.UTF8.GetBytes("data: second event, sent only once the client saw the first one\n\n");

    public static readonly byte[] PreEncoded = Gzip(Text);

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _streamGates = new();
    private TestBackend? _backend;

    public GatewayFixture Gateway { get; private set; } = null!;

    /// <summary>Streams whose backend handler has written everything, by id.</summary>
    public ConcurrentDictionary<string, bool> FinishedStreams { get; } = new();

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
              gzip:
                brotli: true

        """;

    public const string VirtualServiceYaml = """
        apiVersion: gateway.sluice.dev/v1
        kind: VirtualService
        metadata:
          name: compression
          namespace: default
        spec:
          virtualHost:
            domains: ['*']
            routes:
              - matchers: [{prefix: /override/}]
                routeAction: {single: {upstream: {name: bodies}}}
                options:
                  prefixRewrite: /
                  gzip:
                    contentType: [image/png]
              - matchers: [{prefix: /off/}]
                routeAction: {single: {upstream: {name: bodies}}}
                options:
                  prefixRewrite: /
                  gzip: {disabled: true}
              - matchers: [{prefix: /transformed/}]
                routeAction: {single: {upstream: {name: bodies}}}
                options:
                  prefixRewrite: /
                  transformations:
                    responseTransformation:
                      transformationTemplate:
                        parseBodyBehavior: DontParse
                        body: {text: '[transformed] {{ body() }}'}
              - matchers: [{exact: /direct}]
                directResponseAction:
                  status: 200
                  body: "a direct response from the gateway, long enough to be worth compressing, repeated: a direct response from the gateway"
              - matchers: [{prefix: /}]
                routeAction: {single: {upstream: {name: bodies}}}

        """;

    public TaskCompletionSource StreamGate(string id) => _streamGates.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync("bodies", ServeAsync);
        Gateway = await GatewayFixture.StartAsync(
            g =>
            {
                g.WriteFile("gateway.yaml", GatewayYaml(g.HttpPort));
                g.WriteFile("upstream.yaml", Yaml.Upstream("bodies", _backend.Port));
                g.WriteFile("vs.yaml", VirtualServiceYaml);
            },
            defaultGateways: false);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await _backend!.DisposeAsync();
    }

    public HttpClient Client(Version version) => Gateway.CreateClient(version);

    /// <summary>A request in the client's own protocol version (a hand-made request message would default to HTTP/1.1).</summary>
    public static HttpRequestMessage Get(HttpClient client, string path, string? acceptEncoding, HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, path)
        {
            Version = client.DefaultRequestVersion,
            VersionPolicy = client.DefaultVersionPolicy,
        };
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        return request;
    }

    public static byte[] Decompress(string? coding, byte[] body)
    {
        using Stream decoder = coding switch
        {
            "gzip" => new GZipStream(new MemoryStream(body), CompressionMode.Decompress),
            "br" => new BrotliStream(new MemoryStream(body), CompressionMode.Decompress),
            _ => throw new InvalidOperationException($"unexpected coding '{coding}'"),
        };
        using var plain = new MemoryStream();
        decoder.CopyTo(plain);
        return plain.ToArray();
    }

    private static byte[] Gzip(byte[] plain)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest))
        {
            gzip.Write(plain);
        }

        return compressed.ToArray();
    }

    private async Task ServeAsync(HttpContext context)
    {
        var response = context.Response;
        switch (context.Request.Path.Value)
        {
            case "/text":
                await SendAsync(response, "text/plain; charset=utf-8", Text);
                break;
            case "/json":
                await SendAsync(response, "application/json", Text);
                break;
            case "/small":
                await SendAsync(response, "text/plain", Text.AsMemory(0, 20).ToArray());
                break;
            case "/png":
                await SendAsync(response, "image/png", Png);
                break;
            case "/encoded":
                response.Headers.ContentEncoding = "gzip";
                await SendAsync(response, "text/plain", PreEncoded);
                break;
            case "/no-transform":
                response.Headers.CacheControl = "public, no-transform";
                await SendAsync(response, "text/plain", Text);
                break;
            case "/strong-etag":
                response.Headers.ETag = "\"v1\"";
                await SendAsync(response, "text/plain", Text);
                break;
            case "/weak-etag":
                response.Headers.ETag = "W/\"v1\"";
                await SendAsync(response, "text/plain", Text);
                break;
            case "/stream":
                // Chunked, no Content-Length: the first event, then nothing until the test has seen it.
                var id = context.Request.Query["id"].ToString();
                response.ContentType = "text/plain";
                await response.Body.WriteAsync(FirstChunk);
                await response.Body.FlushAsync();
                await StreamGate(id).Task.WaitAsync(TimeSpan.FromSeconds(15));
                await response.Body.WriteAsync(SecondChunk);
                FinishedStreams[id] = true;
                break;
            default:
                response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }

    private static Task SendAsync(HttpResponse response, string contentType, byte[] body)
    {
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(response.HttpContext.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body).AsTask();
    }
}
