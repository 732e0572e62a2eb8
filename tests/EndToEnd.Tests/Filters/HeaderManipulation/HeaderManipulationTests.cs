using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Filters.HeaderManipulation;

/// <summary>
/// <c>headerManipulation</c> through the real gateway: what the backend receives and what the client gets back.
/// </summary>
public sealed class HeaderManipulationTests
{
    [Fact]
    public async Task RequestHeaders_AreAddedOverwrittenAndRemoved_AsTheBackendSeesThem()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", Yaml.Upstream("a", backend.Port));
            g.WriteFile("vs.yaml", VirtualService("vs", hostOptions: """
                      headerManipulation:
                        requestHeadersToAdd:
                          - header: {key: x-append, value: gateway}
                          - header: {key: x-overwrite, value: gateway}
                            append: false
                          - header: {key: x-new, value: added}
                        requestHeadersToRemove: [x-secret, X-Also-Secret]
                """, routes: Yaml.PrefixRoute("/", "a")));
        });
        using var client = gateway.CreateClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/x");
        request.Headers.Add("x-append", "client");
        request.Headers.Add("x-overwrite", "client");
        request.Headers.Add("x-secret", "s3cr3t");
        request.Headers.Add("x-also-secret", "s3cr3t");
        request.Headers.Add("x-untouched", "client");
        var echo = await SendForEchoAsync(client, request);

        Assert.Equal("client, gateway", echo.Headers["x-append"]);
        Assert.Equal("gateway", echo.Headers["x-overwrite"]);
        Assert.Equal("added", echo.Headers["x-new"]);
        Assert.Equal("client", echo.Headers["x-untouched"]);
        Assert.False(echo.Headers.ContainsKey("x-secret"));
        Assert.False(echo.Headers.ContainsKey("x-also-secret"));
    }

    [Fact]
    public async Task Variables_AreFilledFromTheRequest()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", Yaml.Upstream("a", backend.Port));
            g.WriteFile("vs.yaml", VirtualService("vs", hostOptions: """
                      headerManipulation:
                        requestHeadersToAdd:
                          - header: {key: x-client, value: '%DOWNSTREAM_REMOTE_ADDRESS%'}
                          - header: {key: x-client-ip, value: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%'}
                          - header: {key: x-copied-id, value: 'id=%REQ(X-Request-Id)%'}
                          - header: {key: x-fallback, value: '%REQ(x-missing?user-agent):5%'}
                          - header: {key: x-authority, value: '%REQ(:authority)%'}
                          - header: {key: x-start, value: '%START_TIME%'}
                          - header: {key: x-epoch, value: '%START_TIME(%s)%'}
                          - header: {key: x-protocol, value: '%PROTOCOL%'}
                          - header: {key: x-route, value: '%ROUTE_NAME%'}
                          - header: {key: x-upstream, value: '%UPSTREAM_CLUSTER%'}
                          - header: {key: x-hostname, value: '%HOSTNAME%'}
                          - header: {key: x-percent, value: '100%% sure'}
                """, routes: """
                      - name: echo-route
                        matchers:
                          - prefix: /
                        routeAction:
                          single:
                            upstream:
                              name: a

                """));
        });

        foreach (var version in new[] { HttpVersion.Version11, HttpVersion.Version20 })
        {
            using var client = gateway.CreateClient(version);
            using var request = new HttpRequestMessage(HttpMethod.Get, "/x") { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
            request.Headers.Add("x-request-id", "r-42");
            request.Headers.UserAgent.ParseAdd("probe/1.0");
            var before = DateTimeOffset.UtcNow;
            var echo = await SendForEchoAsync(client, request);
            var after = DateTimeOffset.UtcNow;

            Assert.Matches(@"^127\.0\.0\.1:\d+$", echo.Headers["x-client"]);
            Assert.Equal("127.0.0.1", echo.Headers["x-client-ip"]);
            Assert.Equal("id=r-42", echo.Headers["x-copied-id"]);
            Assert.Equal("probe", echo.Headers["x-fallback"]);
            Assert.Equal($"127.0.0.1:{gateway.HttpPort}", echo.Headers["x-authority"]);
            var start = DateTimeOffset.ParseExact(echo.Headers["x-start"], "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            Assert.InRange(start, before.AddMilliseconds(-1), after);
            var epoch = long.Parse(echo.Headers["x-epoch"], CultureInfo.InvariantCulture);
            Assert.InRange(epoch, before.ToUnixTimeSeconds(), after.ToUnixTimeSeconds());
            Assert.Equal(version == HttpVersion.Version20 ? "HTTP/2" : "HTTP/1.1", echo.Headers["x-protocol"]);
            Assert.Equal("echo-route", echo.Headers["x-route"]);
            Assert.Equal("default/a", echo.Headers["x-upstream"]);
            Assert.Equal(Dns.GetHostName(), echo.Headers["x-hostname"]);
            Assert.Equal("100% sure", echo.Headers["x-percent"]);
        }
    }

    [Fact]
    public async Task ResponseHeaders_AreAddedAndRemoved_AsTheClientSeesThem_AlsoOnDirectResponses()
    {
        await using var backend = await TestBackend.StartAsync("a", async context =>
        {
            context.Response.Headers["x-internal"] = "leak";
            context.Response.Headers["x-cache"] = "backend";
            context.Response.Headers["x-kept"] = "backend";
            await context.Response.WriteAsync("from backend");
        });
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", Yaml.Upstream("a", backend.Port));
            g.WriteFile("vs.yaml", VirtualService("vs", hostOptions: """
                      headerManipulation:
                        responseHeadersToAdd:
                          - header: {key: x-served-by, value: sluice}
                          - header: {key: x-cache, value: gateway}
                            append: false
                          - header: {key: x-kept, value: gateway}
                          - header: {key: x-client, value: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%'}
                        responseHeadersToRemove: [x-internal]
                """, routes: """
                      - matchers:
                          - prefix: /direct
                        directResponseAction:
                          status: 200
                          body: direct
                      - matchers:
                          - prefix: /
                        routeAction:
                          single:
                            upstream:
                              name: a

                """));
        });
        using var client = gateway.CreateClient();

        using var proxied = await client.GetAsync("/x");
        Assert.Equal("from backend", await proxied.Content.ReadAsStringAsync());
        Assert.Equal(["sluice"], proxied.Headers.GetValues("x-served-by"));
        Assert.Equal(["gateway"], proxied.Headers.GetValues("x-cache"));
        Assert.Equal(["backend", "gateway"], proxied.Headers.GetValues("x-kept"));
        Assert.Equal(["127.0.0.1"], proxied.Headers.GetValues("x-client"));
        Assert.False(proxied.Headers.Contains("x-internal"));

        var before = backend.RequestCount;
        using var direct = await client.GetAsync("/direct");
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        Assert.Equal("direct", await direct.Content.ReadAsStringAsync());
        Assert.Equal(["sluice"], direct.Headers.GetValues("x-served-by"));
        Assert.Equal(["gateway"], direct.Headers.GetValues("x-cache"));
        Assert.Equal(["127.0.0.1"], direct.Headers.GetValues("x-client"));
        Assert.Equal(before, backend.RequestCount);
    }

    [Fact]
    public async Task TheMostSpecificHeaderManipulationWinsWhole_GatewayThenVirtualHostThenRouteThenDestination()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("00-gateways.yaml", $"""
                apiVersion: gateway.sluice.dev/v1
                kind: Gateway
                metadata:
                  name: http
                  namespace: default
                spec:
                  bindAddress: 127.0.0.1
                  bindPort: {g.HttpPort}
                  httpGateway:
                    options:
                      headerManipulation:
                        requestHeadersToAdd:
                          - header:
                              key: x-layer
                              value: gateway
                          - header:
                              key: x-gateway-only
                              value: 'yes'

                """);
            g.WriteFile("upstream.yaml", Yaml.Upstream("a", a.Port));
            g.WriteFile("plain.yaml", VirtualService("plain", hostOptions: null, routes: Yaml.PrefixRoute("/", "a"), domain: "plain.test"));
            g.WriteFile("vs.yaml", VirtualService("vs", hostOptions: """
                      headerManipulation:
                        requestHeadersToAdd:
                          - header: {key: x-layer, value: virtual-host}
                          - header: {key: x-host-only, value: 'yes'}
                """, routes: """
                      - matchers:
                          - prefix: /route
                        options:
                          headerManipulation:
                            requestHeadersToAdd:
                              - header: {key: x-layer, value: route}
                        routeAction:
                          single:
                            upstream:
                              name: a
                      - matchers:
                          - prefix: /destination
                        options:
                          headerManipulation:
                            requestHeadersToAdd:
                              - header: {key: x-layer, value: route}
                        routeAction:
                          multi:
                            destinations:
                              - weight: 1
                                destination:
                                  upstream:
                                    name: a
                                options:
                                  headerManipulation:
                                    requestHeadersToAdd:
                                      - header: {key: x-layer, value: destination}
                      - matchers:
                          - prefix: /
                        routeAction:
                          single:
                            upstream:
                              name: a

                """, domain: "vs.test"));
        });
        using var client = gateway.CreateClient();

        var listener = await GetEchoAsync(client, "plain.test", "/x");
        Assert.Equal("gateway", listener.Headers["x-layer"]);
        Assert.Equal("yes", listener.Headers["x-gateway-only"]);

        var host = await GetEchoAsync(client, "vs.test", "/x");
        Assert.Equal("virtual-host", host.Headers["x-layer"]);
        Assert.Equal("yes", host.Headers["x-host-only"]);
        Assert.False(host.Headers.ContainsKey("x-gateway-only"));

        var route = await GetEchoAsync(client, "vs.test", "/route");
        Assert.Equal("route", route.Headers["x-layer"]);
        Assert.False(route.Headers.ContainsKey("x-host-only"));

        var destination = await GetEchoAsync(client, "vs.test", "/destination");
        Assert.Equal("destination", destination.Headers["x-layer"]);
    }

    [Fact]
    public async Task AnInvalidHeaderValue_RejectsTheVirtualServiceAtLoad_WithItsLocation()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", Yaml.Upstream("a", backend.Port));
            g.WriteFile("good.yaml", VirtualService("good", hostOptions: """
                      headerManipulation:
                        requestHeadersToAdd:
                          - header: {key: x-ok, value: fine}
                """, routes: Yaml.PrefixRoute("/", "a"), domain: "good.test"));
        });
        using var client = gateway.CreateClient();

        await gateway.ApplyAsync(() => gateway.WriteFile("bad.yaml", """
            apiVersion: gateway.sluice.dev/v1
            kind: VirtualService
            metadata:
              name: bad
              namespace: default
            spec:
              virtualHost:
                domains: ['bad.test']
                routes:
                  - matchers:
                      - prefix: /
                    options:
                      headerManipulation:
                        requestHeadersToAdd:
                          - header:
                              key: x-evil
                              value: "ok\r\nx-injected: 1"
                        responseHeadersToRemove: [content-length]
                    routeAction:
                      single:
                        upstream:
                          name: a

            """));

        var status = await gateway.GetStatusAsync("VirtualService", "bad");
        Assert.Equal("Rejected", status.GetProperty("status").GetString());
        var reasons = status.GetProperty("reasons").EnumerateArray().ToList();
        Assert.Equal(2, reasons.Count);
        Assert.Equal("error", reasons[0].GetProperty("severity").GetString());
        Assert.Equal(Path.Combine(gateway.ConfigDirectory, "bad.yaml"), reasons[0].GetProperty("file").GetString());
        Assert.Equal("virtualHost.routes[0].options.headerManipulation.requestHeadersToAdd[0].header.value", reasons[0].GetProperty("field").GetString());
        Assert.Equal(17, reasons[0].GetProperty("line").GetInt32());
        Assert.Equal(26, reasons[0].GetProperty("column").GetInt32());
        Assert.Equal("header value must not contain CR, LF or NUL (they would let a value inject headers)", reasons[0].GetProperty("message").GetString());
        Assert.Equal("virtualHost.routes[0].options.headerManipulation.responseHeadersToRemove[0]", reasons[1].GetProperty("field").GetString());
        Assert.Equal(18, reasons[1].GetProperty("line").GetInt32());
        Assert.Equal(
            "'content-length' frames the message body and is set by the gateway; changing it would corrupt the body",
            reasons[1].GetProperty("message").GetString());

        using var rejected = new HttpRequestMessage(HttpMethod.Get, "/x");
        rejected.Headers.Host = "bad.test";
        using var rejectedResponse = await client.SendAsync(rejected);
        Assert.Equal(HttpStatusCode.NotFound, rejectedResponse.StatusCode);
        Assert.Equal("fine", (await GetEchoAsync(client, "good.test", "/x")).Headers["x-ok"]);
    }

    [Fact]
    public async Task AnUnknownVariable_RejectsTheVirtualService_AtTheValue()
    {
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", Yaml.Upstream("a", 9));
            g.WriteFile("vs.yaml", VirtualService("vs", hostOptions: """
                      headerManipulation:
                        responseHeadersToAdd:
                          - header: {key: x-client, value: '%CLIENT_IP%'}
                """, routes: Yaml.PrefixRoute("/", "a")));
        });

        var status = await gateway.GetStatusAsync("VirtualService", "vs");
        Assert.Equal("Rejected", status.GetProperty("status").GetString());
        var reason = Assert.Single(status.GetProperty("reasons").EnumerateArray());
        Assert.Equal("virtualHost.options.headerManipulation.responseHeadersToAdd[0].header.value", reason.GetProperty("field").GetString());
        Assert.StartsWith("unknown variable '%CLIENT_IP%'; Sluice supports %DOWNSTREAM_REMOTE_ADDRESS%", reason.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    internal static string VirtualService(string name, string? hostOptions, string routes, string domain = "*") => $"""
        apiVersion: gateway.sluice.dev/v1
        kind: VirtualService
        metadata:
          name: {name}
          namespace: default
        spec:
          virtualHost:
            domains: ['{domain}']
        {(hostOptions is null ? string.Empty : "    options:\n" + hostOptions)}
            routes:
        {routes}
        """;

    internal static async Task<EchoResponse> SendForEchoAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))!;
    }

    private static async Task<EchoResponse> GetEchoAsync(HttpClient client, string host, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        return await SendForEchoAsync(client, request);
    }
}
