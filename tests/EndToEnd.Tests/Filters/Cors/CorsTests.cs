using System.Net;
using System.Net.Http.Json;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Filters.Cors;

/// <summary>
/// <c>cors</c> through the real gateway: preflights from allowed origins are answered by the gateway and never
/// reach a backend; everything else is forwarded, with CORS headers on responses to allowed origins.
/// </summary>
public sealed class CorsTests : IAsyncLifetime
{
    private const string Config = """
        apiVersion: gateway.sluice.dev/v1
        kind: Upstream
        metadata:
          name: nowhere
          namespace: default
        spec:
          static:
            hosts: []
        ---
        apiVersion: gateway.sluice.dev/v1
        kind: VirtualService
        metadata:
          name: vs
          namespace: default
        spec:
          virtualHost:
            domains: ['*']
            options:
              cors:
                allowOrigin: ['https://app.example.com']
                allowOriginRegex: ['https://[a-z0-9-]+\.partner\.test']
                allowMethods: [GET, PUT, DELETE]
                allowHeaders: [content-type, x-token]
                exposeHeaders: [x-request-id, x-trace-id]
                maxAge: "86400"
                allowCredentials: true
            routes:
              - matchers:
                  - prefix: /public
                options:
                  cors:
                    disableForRoute: true
                routeAction:
                  single:
                    upstream:
                      name: a
              - matchers:
                  - prefix: /open
                options:
                  cors:
                    allowOrigin: ['*']
                    allowMethods: ['*']
                    allowHeaders: ['*']
                routeAction:
                  single:
                    upstream:
                      name: a
              - matchers:
                  - prefix: /direct
                directResponseAction:
                  status: 200
                  body: direct
              - matchers:
                  - prefix: /dead
                routeAction:
                  single:
                    upstream:
                      name: nowhere
              - matchers:
                  - prefix: /
                routeAction:
                  single:
                    upstream:
                      name: a

        """;

    private TestBackend _backend = null!;
    private GatewayFixture _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync("a", async context =>
        {
            context.Response.Headers["x-request-id"] = "r-1";
            await TestBackend.Echo(context, "a");
        });
        _gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", Yaml.Upstream("a", _backend.Port));
            g.WriteFile("vs.yaml", Config);
        });
        _client = _gateway.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task Preflight_FromAnAllowedOrigin_IsAnsweredByTheGateway()
    {
        var before = _backend.RequestCount;

        using var response = await PreflightAsync("/api/items", "https://app.example.com", "PUT", "content-type");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
        Assert.Equal("https://app.example.com", Header(response, "access-control-allow-origin"));
        Assert.Equal("GET,PUT,DELETE", Header(response, "access-control-allow-methods"));
        Assert.Equal("content-type,x-token", Header(response, "access-control-allow-headers"));
        Assert.Equal("86400", Header(response, "access-control-max-age"));
        Assert.Equal("true", Header(response, "access-control-allow-credentials"));
        Assert.Equal(before, _backend.RequestCount);
    }

    [Fact]
    public async Task Preflight_FromADisallowedOrigin_IsForwardedWithoutCorsHeaders()
    {
        var before = _backend.RequestCount;

        using var response = await PreflightAsync("/api/items", "https://evil.test", "PUT");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = (await response.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))!;
        Assert.Equal("OPTIONS", echo.Method);
        Assert.Equal(before + 1, _backend.RequestCount);
        Assert.Null(Header(response, "access-control-allow-origin"));
        Assert.Null(Header(response, "access-control-allow-methods"));
    }

    [Theory]
    [InlineData("https://shop.partner.test", true)]
    [InlineData("https://shop-2.partner.test", true)]
    [InlineData("https://shop.partner.test.evil.test", false)]
    [InlineData("http://shop.partner.test", false)]
    [InlineData("https://app.example.com", true)]
    [InlineData("https://APP.example.com", false)]
    public async Task OriginsMatchExactlyOrByAWholeRegex(string origin, bool allowed)
    {
        var before = _backend.RequestCount;

        using var preflight = await PreflightAsync("/api", origin, "GET");
        using var actual = await SendAsync(HttpMethod.Get, "/api", origin);

        Assert.Equal(allowed ? origin : null, Header(preflight, "access-control-allow-origin"));
        Assert.Equal(allowed ? origin : null, Header(actual, "access-control-allow-origin"));
        Assert.Equal(before + (allowed ? 1 : 2), _backend.RequestCount);
    }

    [Fact]
    public async Task ActualRequest_FromAnAllowedOrigin_GetsOriginCredentialsExposedHeadersAndVary()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/items", "https://app.example.com");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://app.example.com", Header(response, "access-control-allow-origin"));
        Assert.Equal("true", Header(response, "access-control-allow-credentials"));
        Assert.Equal("x-request-id,x-trace-id", Header(response, "access-control-expose-headers"));
        Assert.Equal("Origin", Header(response, "vary"));
        Assert.Equal("r-1", Header(response, "x-request-id"));
        Assert.Null(Header(response, "access-control-allow-methods"));
        Assert.Null(Header(response, "access-control-max-age"));
    }

    [Fact]
    public async Task RequestWithoutOrigin_IsUntouched()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/items", origin: null);
        var before = _backend.RequestCount;
        using var options = await SendAsync(HttpMethod.Options, "/api/items", origin: null, requestMethod: "PUT");

        Assert.Null(Header(response, "access-control-allow-origin"));
        Assert.Null(Header(response, "vary"));
        Assert.Equal(before + 1, _backend.RequestCount);
        Assert.Null(Header(options, "access-control-allow-origin"));
    }

    [Fact]
    public async Task DisableForRoute_TurnsTheVirtualHostsPolicyOffForThatRouteOnly()
    {
        var before = _backend.RequestCount;

        using var preflight = await PreflightAsync("/public/file", "https://app.example.com", "GET");
        using var actual = await SendAsync(HttpMethod.Get, "/public/file", "https://app.example.com");
        using var elsewhere = await SendAsync(HttpMethod.Get, "/api", "https://app.example.com");

        Assert.Equal(before + 3, _backend.RequestCount);
        Assert.Equal("OPTIONS", (await preflight.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))!.Method);
        Assert.Null(Header(preflight, "access-control-allow-origin"));
        Assert.Null(Header(actual, "access-control-allow-origin"));
        Assert.Equal("https://app.example.com", Header(elsewhere, "access-control-allow-origin"));
    }

    [Fact]
    public async Task RoutePolicy_ReplacesTheVirtualHostsPolicy_AndStarEchoesTheRequest()
    {
        var before = _backend.RequestCount;

        using var preflight = await PreflightAsync("/open", "https://anyone.test", "PATCH", "x-custom, x-other");

        Assert.Equal(before, _backend.RequestCount);
        Assert.Equal("https://anyone.test", Header(preflight, "access-control-allow-origin"));
        Assert.Equal("PATCH", Header(preflight, "access-control-allow-methods"));
        Assert.Equal("x-custom, x-other", Header(preflight, "access-control-allow-headers"));
        Assert.Null(Header(preflight, "access-control-allow-credentials"));
        Assert.Null(Header(preflight, "access-control-max-age"));
    }

    [Fact]
    public async Task DirectResponseRoute_GetsCorsHeaders()
    {
        using var response = await SendAsync(HttpMethod.Get, "/direct", "https://app.example.com");

        Assert.Equal("direct", await response.Content.ReadAsStringAsync());
        Assert.Equal("https://app.example.com", Header(response, "access-control-allow-origin"));
        Assert.Equal("true", Header(response, "access-control-allow-credentials"));
    }

    [Fact]
    public async Task Preflight_IsAnsweredBeforeTheRoute_EvenWhenItsUpstreamHasNoEndpoints()
    {
        using var preflight = await PreflightAsync("/dead", "https://app.example.com", "GET");
        using var actual = await SendAsync(HttpMethod.Get, "/dead", "https://app.example.com");

        Assert.Equal(HttpStatusCode.OK, preflight.StatusCode);
        Assert.Equal("https://app.example.com", Header(preflight, "access-control-allow-origin"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, actual.StatusCode);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join("|", values) : null;

    private Task<HttpResponseMessage> PreflightAsync(string path, string origin, string method, string? headers = null) =>
        SendAsync(HttpMethod.Options, path, origin, method, headers);

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? origin, string? requestMethod = null, string? requestHeaders = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (requestMethod is not null)
        {
            request.Headers.Add("Access-Control-Request-Method", requestMethod);
        }

        if (requestHeaders is not null)
        {
            request.Headers.Add("Access-Control-Request-Headers", requestHeaders);
        }

        return _client.SendAsync(request);
    }
}
