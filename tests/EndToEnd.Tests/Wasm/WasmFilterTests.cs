using System.Net;
using System.Net.Http.Json;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Wasm;

/// <summary>proxy-wasm filters written in WebAssembly text, through the real gateway to a real backend.</summary>
public sealed class WasmFilterTests
{
    [Fact]
    public async Task HeaderFilter_AddsAndRemovesHeadersBothWays_ReadsItsConfiguration()
    {
        await using var backend = await TestBackend.StartAsync("a", async context =>
        {
            context.Response.Headers["x-upstream-secret"] = "hide me";
            await TestBackend.Echo(context, "a");
        });
        await using var gateway = await StartAsync(backend, Filter("headers", WatFilters.Headers, "config: configured-value"));
        using var client = gateway.CreateClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/x");
        request.Headers.Add("x-remove-me", "please");
        using var response = await client.SendAsync(request);
        var echo = (await response.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("yes", echo.Headers["x-wasm-request"]);
        Assert.False(echo.Headers.ContainsKey("x-remove-me"));
        Assert.Equal("configured-value", response.Headers.GetValues("x-wasm-response").Single());
        Assert.False(response.Headers.Contains("x-upstream-secret"));
    }

    [Fact]
    public async Task HeaderFilter_AnswersLocally_AndRewritesThePath()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var gateway = await StartAsync(backend, Filter("headers", WatFilters.Headers, "config: c"));
        using var client = gateway.CreateClient();

        using var denied = new HttpRequestMessage(HttpMethod.Get, "/x");
        denied.Headers.Add("x-deny", "1");
        using var deniedResponse = await client.SendAsync(denied);
        Assert.Equal(HttpStatusCode.Forbidden, deniedResponse.StatusCode);
        Assert.Equal("denied by wasm\n", await deniedResponse.Content.ReadAsStringAsync());
        Assert.Equal(0, backend.RequestCount);

        var echo = (await client.GetFromJsonAsync<EchoResponse>("/rewrite/me?q=1", EchoResponse.JsonOptions))!;
        Assert.Equal("/rewritten", echo.Path);
        Assert.Equal(string.Empty, echo.Query);
    }

    [Fact]
    public async Task BodyFilter_BuffersTheResponseAndReplacesIt()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var gateway = await StartAsync(backend, Filter("body", WatFilters.BodyRewrite, "config: the new body"));
        using var client = gateway.CreateClient();

        using var response = await client.GetAsync("/x");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("the new body", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(true, HttpStatusCode.OK)]
    [InlineData(false, HttpStatusCode.ServiceUnavailable)]
    public async Task TrappingFilter_GatewayStaysUp_RequestGetsWhatFailOpenSays(bool failOpen, HttpStatusCode expected)
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var gateway = await StartAsync(backend, Filter("trap", WatFilters.Trap, $"failOpen: {(failOpen ? "true" : "false")}"));
        using var client = gateway.CreateClient();

        for (var i = 0; i < 20; i++)
        {
            using var response = await client.GetAsync("/x");
            Assert.Equal(expected, response.StatusCode);
        }

        Assert.Equal(failOpen ? 20 : 0, backend.RequestCount);
    }

    [Fact]
    public async Task MemoryGrowingFilter_IsRecycled_MemoryStaysBounded()
    {
        await using var backend = await TestBackend.StartAsync("a");

        // 1 MiB is 16 pages; instances are retired past half of it, long before growth could fail.
        await using var gateway = await StartAsync(backend, Filter("grow", WatFilters.GrowMemory, "maxMemoryBytes: 1048576\ninstances: 1"));
        using var client = gateway.CreateClient();

        var maxPages = 0;
        for (var i = 0; i < 60; i++)
        {
            using var response = await client.GetAsync("/x");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            maxPages = Math.Max(maxPages, int.Parse(response.Headers.GetValues("x-memory-pages").Single(), System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.InRange(maxPages, 3, 16);
    }

    [Fact]
    public async Task ModuleRejectingItsConfigurationOrWithoutAbi_RejectsOnlyThatVirtualService()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", Yaml.Upstream("a", backend.Port));
            g.WriteFile("good.yaml", Yaml.VirtualService("good", Yaml.PrefixRoute("/", "a"), "good.example"));
            g.WriteFile("filters/rejects.wat", WatFilters.RejectsConfig);
            g.WriteFile("filters/noabi.wat", WatFilters.NoAbi);
            g.WriteFile("rejects.yaml", WithFilter("rejects", "rejects.example", Path.Combine(g.ConfigDirectory, "filters/rejects.wat"), string.Empty));
            g.WriteFile("noabi.yaml", WithFilter("noabi", "noabi.example", Path.Combine(g.ConfigDirectory, "filters/noabi.wat"), string.Empty));
        });

        var rejects = await gateway.GetStatusAsync("VirtualService", "rejects");
        Assert.Equal("Rejected", rejects.GetProperty("status").GetString());
        Assert.Contains("rejected its configuration", rejects.ToString(), StringComparison.Ordinal);
        var noAbi = await gateway.GetStatusAsync("VirtualService", "noabi");
        Assert.Equal("Rejected", noAbi.GetProperty("status").GetString());
        Assert.Contains("ABI version marker", noAbi.ToString(), StringComparison.Ordinal);

        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/x") { Headers = { Host = "good.example" } };
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task NewModuleVersion_AppliesLive_AndABrokenOneKeepsTheLastGood()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var gateway = await StartAsync(backend, Filter("headers", WatFilters.Headers, "config: c"));
        using var client = gateway.CreateClient();
        Assert.Equal("yes", (await client.GetFromJsonAsync<EchoResponse>("/x", EchoResponse.JsonOptions))!.Headers["x-wasm-request"]);

        await gateway.ApplyAsync(() => gateway.WriteFileByRename("filters/headers.wat", WatFilters.Headers.Replace("\"yes\"", "\"v2!\"", StringComparison.Ordinal)));
        Assert.Equal("v2!", (await client.GetFromJsonAsync<EchoResponse>("/x", EchoResponse.JsonOptions))!.Headers["x-wasm-request"]);

        await gateway.ApplyAsync(() => gateway.WriteFileByRename("filters/headers.wat", WatFilters.NoAbi));
        var status = await gateway.GetStatusAsync("VirtualService", "vs");
        Assert.Equal("Rejected", status.GetProperty("status").GetString());
        Assert.Equal("v2!", (await client.GetFromJsonAsync<EchoResponse>("/x", EchoResponse.JsonOptions))!.Headers["x-wasm-request"]);
    }

    [Fact]
    public async Task GatewayOptions_RunTheFilterForEveryVirtualService()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            var path = Path.Combine(g.ConfigDirectory, "filters", "headers.wat");
            g.WriteFile("filters/headers.wat", WatFilters.Headers);
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
                      wasm:
                        filters:
                        - name: everywhere
                          filePath: {path}
                          config: gateway-wide

                """);
            g.WriteFile("upstream.yaml", Yaml.Upstream("a", backend.Port));
            g.WriteFile("vs.yaml", Yaml.VirtualService("vs", Yaml.PrefixRoute("/", "a")));
        });
        using var client = gateway.CreateClient();

        using var response = await client.GetAsync("/x");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gateway-wide", response.Headers.GetValues("x-wasm-response").Single());
    }

    internal static (string Name, string Wat, string Extra) Filter(string name, string wat, string extra) => (name, wat, extra);

    internal static async Task<GatewayFixture> StartAsync(TestBackend backend, (string Name, string Wat, string Extra) filter) =>
        await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", Yaml.Upstream("a", backend.Port));
            var path = Path.Combine(g.ConfigDirectory, "filters", filter.Name + ".wat");
            g.WriteFile($"filters/{filter.Name}.wat", filter.Wat);
            g.WriteFile("vs.yaml", WithFilter("vs", "*", path, filter.Extra));
        });

    internal static string WithFilter(string name, string domain, string filePath, string extra) => WithFilterIndented(name, domain, filePath, extra.Replace("\n", "\n              ", StringComparison.Ordinal));

    private static string WithFilterIndented(string name, string domain, string filePath, string extra) => $"""
        apiVersion: gateway.sluice.dev/v1
        kind: VirtualService
        metadata:
          name: {name}
          namespace: default
        spec:
          virtualHost:
            domains: ['{domain}']
            routes:
              - matchers:
                  - prefix: /
                routeAction:
                  single:
                    upstream:
                      name: a
                options:
                  wasm:
                    filters:
                    - name: {name}
                      filePath: {filePath}
                      {extra}

        """;
}
