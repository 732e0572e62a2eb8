using System.Collections.Concurrent;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Security.Hostile;

/// <summary>
/// Hostile requests written byte for byte against the real gateway, each with its exact outcome: refused with the
/// right status, or normalized, and never forwarded to the route the policy forbids (<c>/admin</c> answers 403 at the
/// gateway; the backend must never see a path under it).
/// </summary>
public sealed class HostileRequestTests : IClassFixture<HostileRequestTests.Target>
{
    private readonly Target _target;

    public HostileRequestTests(Target target)
    {
        _target = target;
    }

    public static TheoryData<string, string, int> Refused => new()
    {
        // Framing and syntax: what another parser could read differently must not pass.
        { "duplicate content-length", "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400 },
        { "bare LF line ends", "GET /a HTTP/1.1\nHost: x\n\n", 400 },
        { "obs-fold continuation line", "GET /a HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n", 400 },
        { "transfer-encoding not chunked last", "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400 },
        { "unknown transfer-encoding", "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n", 400 },
        { "space before colon", "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400 },
        { "bare CR in a header value", "GET /a HTTP/1.1\r\nHost: x\r\nX-A: a\rInjected: 1\r\n\r\n", 400 },
        { "NUL in a header value", "GET /a HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", 400 },
        { "two Host headers", "GET /a HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400 },
        { "HTTP/1.1 without Host", "GET /a HTTP/1.1\r\n\r\n", 400 },
        { "absolute-form naming another host", "GET http://other.example/a HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
        { "fragment in the target", "GET /a#frag HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
        { "underscore in a header name", "GET /a HTTP/1.1\r\nHost: x\r\nX_Api_User: admin\r\n\r\n", 400 },

        // Path confusion aimed at /admin.
        { "encoded slash", "GET /public/..%2fadmin HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
        { "encoded slash, lower case", "GET /public/..%2Fadmin/ HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
        { "encoded backslash", "GET /public/..%5cadmin HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
        { "raw backslash", "GET /public\\..\\admin HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
        { "encoded NUL", "GET /admin%00.png HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
        { "double-encoded slash", "GET /public/..%252fadmin HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
        { "dot segments", "GET /public/../admin HTTP/1.1\r\nHost: x\r\n\r\n", 403 },
        { "encoded dot segments", "GET /public/%2e%2e/admin HTTP/1.1\r\nHost: x\r\n\r\n", 403 },
        { "upper-case encoded dots", "GET /public/%2E%2E/admin/users HTTP/1.1\r\nHost: x\r\n\r\n", 403 },
        { "merged slashes", "GET //admin HTTP/1.1\r\nHost: x\r\n\r\n", 403 },
        { "dot slash", "GET /./admin HTTP/1.1\r\nHost: x\r\n\r\n", 403 },
        { "encoded letter", "GET /%61dmin HTTP/1.1\r\nHost: x\r\n\r\n", 403 },
        { "path parameter", "GET /admin;jsessionid=1 HTTP/1.1\r\nHost: x\r\n\r\n", 403 },
        { "absolute-form for the same host", "GET http://x/public/../admin HTTP/1.1\r\nHost: x\r\n\r\n", 403 },

        // Limits.
        { "oversized header", $"GET /a HTTP/1.1\r\nHost: x\r\nX-Big: {new string('a', 70 * 1024)}\r\n\r\n", 431 },
        { "too many headers", $"GET /a HTTP/1.1\r\nHost: x\r\n{string.Concat(Enumerable.Range(0, 150).Select(i => $"X-H{i}: v\r\n"))}\r\n", 431 },
        { "request line too long", $"GET /{new string('a', 20 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n", 414 },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task HostileRequest_GetsItsExactAnswer_AndNeverReachesTheGuardedRoute(string name, string request, int status)
    {
        var exchange = await WireClient.SendAsync(_target.Gateway.HttpPort, request);

        Assert.True(exchange.Statuses.Count > 0 && exchange.Statuses[0] == status, $"{name}: expected {status}, got {exchange}");
        Assert.DoesNotContain(_target.Seen, path => path.StartsWith("/admin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ContentLengthAndChunked_TheChunkedBodyWins_AndTheSmuggledRequestIsNeverServed()
    {
        var exchange = await WireClient.SendAsync(_target.Gateway.HttpPort,
            "POST /public/smuggle HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin/smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
            stopAfterFirstResponse: false);

        Assert.Equal([200], exchange.Statuses);
        Assert.True(exchange.Closed, "the connection must close after a request framed two ways");
        Assert.Contains("/public/smuggle", _target.Seen);
        Assert.DoesNotContain(_target.Seen, path => path.Contains("smuggled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SpoofedForwardedFor_IsReplacedByThePeer()
    {
        var exchange = await WireClient.SendAsync(_target.Gateway.HttpPort,
            "GET /public/xff HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n");

        Assert.Equal([200], exchange.Statuses);
        Assert.Contains("\"x-forwarded-for\":\"127.0.0.1\"", exchange.Text, StringComparison.Ordinal);
        Assert.Contains("\"x-forwarded-proto\":\"http\"", exchange.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeaderNamedInConnection_IsNotForwarded()
    {
        var exchange = await WireClient.SendAsync(_target.Gateway.HttpPort,
            "GET /public/hop HTTP/1.1\r\nHost: x\r\nConnection: X-Internal-Secret\r\nX-Internal-Secret: s3cr3t\r\n\r\n");

        Assert.Equal([200], exchange.Statuses);
        Assert.DoesNotContain("s3cr3t", exchange.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AbsoluteFormTarget_IsRoutedByItsNormalizedPath()
    {
        var exchange = await WireClient.SendAsync(_target.Gateway.HttpPort, "GET http://x/public/./abs HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal([200], exchange.Statuses);
        Assert.Contains("/public/abs", _target.Seen);
    }

    /// <summary>One gateway and one recording backend for the whole table.</summary>
    public sealed class Target : IAsyncLifetime
    {
        private TestBackend? _backend;

        public GatewayFixture Gateway { get; private set; } = null!;

        public ConcurrentBag<string> Seen { get; } = [];

        public async Task InitializeAsync()
        {
            _backend = await TestBackend.StartAsync("app", async context =>
            {
                Seen.Add(context.Request.Path.Value ?? string.Empty);
                await TestBackend.Echo(context, "app");
            });
            Gateway = await GatewayFixture.StartAsync(g =>
            {
                g.WriteFile("upstream.yaml", Yaml.Upstream("app", _backend.Port));
                g.WriteFile("vs.yaml", Yaml.VirtualService("edge", """
                          - matchers: [{ prefix: /admin }]
                            directResponseAction: { status: 403, body: "forbidden by policy" }
                    """ + "\n" + Yaml.PrefixRoute("/", "app")));
            });
        }

        public async Task DisposeAsync()
        {
            await Gateway.DisposeAsync();
            await _backend!.DisposeAsync();
        }
    }
}
