using System.Net;
using System.Net.Http.Json;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Wasm;

/// <summary>Filters built during the run with the AssemblyScript SDK (<c>@solo-io/proxy-runtime</c>), through the real gateway.</summary>
public sealed class AssemblyScriptFilterTests(AssemblyScriptFilters filters) : IClassFixture<AssemblyScriptFilters>
{
    [Fact]
    public async Task AddHeader_ChangesHeadersBothWays_WithItsConfiguration()
    {
        await using var backend = await TestBackend.StartAsync("a", async context =>
        {
            context.Response.Headers["x-upstream-secret"] = "hide me";
            await TestBackend.Echo(context, "a");
        });
        await using var gateway = await StartAsync(backend, "add_header", "config: from-config");
        using var client = gateway.CreateClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/x");
        request.Headers.Add("x-remove-me", "1");
        using var response = await client.SendAsync(request);
        var echo = (await response.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("from-config", echo.Headers["x-as-request"]);
        Assert.False(echo.Headers.ContainsKey("x-remove-me"));
        Assert.Equal("hello from assemblyscript", response.Headers.GetValues("x-as-response").Single());
        Assert.False(response.Headers.Contains("x-upstream-secret"));
    }

    [Fact]
    public async Task Deny_AnswersWithALocalResponse()
    {
        await using var backend = await TestBackend.StartAsync("a");
        // proxy-runtime 0.1.8 reads its configuration with a stale size when it is empty (also under Envoy): give it one.
        await using var gateway = await StartAsync(backend, "deny", "config: any");
        using var client = gateway.CreateClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/x");
        request.Headers.Add("x-deny", "yes");
        using var denied = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Equal("no entry\n", await denied.Content.ReadAsStringAsync());
        Assert.Equal("assemblyscript", denied.Headers.GetValues("x-denied-by").Single());
        Assert.Equal(0, backend.RequestCount);

        using var allowed = await client.GetAsync("/x");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task CallOut_MakesAnHttpCallToAnUpstream_AndUsesItsResponse()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var side = await TestBackend.StartAsync("side", context =>
        {
            context.Response.Headers["x-side"] = context.Request.Path == "/side" ? "hello from the side" : "wrong path";
            return Task.CompletedTask;
        });
        await using var gateway = await StartAsync(backend, "call_out", "config: side", g => g.WriteFile("side.yaml", Yaml.Upstream("side", side.Port)));
        using var client = gateway.CreateClient();

        var echo = (await client.GetFromJsonAsync<EchoResponse>("/x", EchoResponse.JsonOptions))!;

        Assert.Equal("hello from the side", echo.Headers["x-side-said"]);
        Assert.Equal(1, side.RequestCount);
    }

    private Task<GatewayFixture> StartAsync(TestBackend backend, string rootId, string extra, Action<GatewayFixture>? more = null) =>
        GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", Yaml.Upstream("a", backend.Port));
            more?.Invoke(g);
            g.WriteFile("vs.yaml", WasmFilterTests.WithFilter("vs", "*", filters.ModulePath, $"rootId: {rootId}\n{extra}"));
        });
}
