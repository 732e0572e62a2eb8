using System.Net;
using Microsoft.AspNetCore.Http;
using Sluice.EndToEnd.Tests.Cli;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Tools;

/// <summary>
/// One gateway with what the tools must show: a virtual host whose options come from several layers (virtual host,
/// delegating route, RouteTable route), a rejected VirtualService, a healthy upstream and one whose only endpoint
/// fails its health checks.
/// </summary>
internal sealed class ToolsScenario : IAsyncDisposable
{
    private ToolsScenario(TestBackend shop, TestBackend sick, GatewayFixture gateway)
    {
        Shop = shop;
        Sick = sick;
        Gateway = gateway;
    }

    public TestBackend Shop { get; }

    public TestBackend Sick { get; }

    public GatewayFixture Gateway { get; }

    public string AdminUrl => $"http://127.0.0.1:{Gateway.AdminPort}";

    public static async Task<ToolsScenario> StartAsync()
    {
        var shop = await TestBackend.StartAsync("shop");
        var sick = await TestBackend.StartAsync("sick", context =>
        {
            context.Response.StatusCode = context.Request.Path == "/healthz" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
            return Task.CompletedTask;
        });
        var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Yaml.Upstream("shop", shop.Port) + $"""
                ---
                apiVersion: gateway.sluice.dev/v1
                kind: Upstream
                metadata: {"{"}name: sick, namespace: default{"}"}
                spec:
                  static:
                    hosts: [{"{"}addr: 127.0.0.1, port: {sick.Port}{"}"}]
                  healthChecks:
                    - timeout: 500ms
                      interval: 100ms
                      noTrafficInterval: 100ms
                      unhealthyThreshold: 1
                      healthyThreshold: 1
                      httpHealthCheck: {"{"}path: /healthz{"}"}

                """);
            g.WriteFile("shop.yaml", """
                apiVersion: gateway.sluice.dev/v1
                kind: VirtualService
                metadata: {name: shop, namespace: default}
                spec:
                  virtualHost:
                    domains: [shop.test]
                    options:
                      timeout: 20s
                      headerManipulation:
                        requestHeadersToAdd:
                          - header: {key: x-shop, value: vh}
                    routes:
                      - name: api
                        matchers: [{prefix: /api}]
                        delegateAction: {ref: {name: api}}
                        options:
                          hostRewrite: api.internal
                      - name: sick-route
                        matchers: [{prefix: /sick}]
                        routeAction: {single: {upstream: {name: sick}}}
                      - name: home
                        matchers: [{prefix: /}]
                        routeAction: {single: {upstream: {name: shop}}}
                ---
                apiVersion: gateway.sluice.dev/v1
                kind: RouteTable
                metadata: {name: api, namespace: default}
                spec:
                  routes:
                    - name: api-users
                      matchers: [{prefix: /api/users}]
                      routeAction: {single: {upstream: {name: shop}}}
                      options:
                        timeout: 5s
                        regexRewrite: {pattern: {regex: '^/api/users/([0-9]+)$'}, substitution: '/people/\1'}
                    - name: api-rest
                      matchers: [{prefix: /api}]
                      routeAction: {single: {upstream: {name: shop}}}
                      options:
                        prefixRewrite: /v2

                """);
            g.WriteFile("broken.yaml", Yaml.VirtualService("broken", Yaml.PrefixRoute("/", "missing-upstream"), "broken.test"));
        });
        return new ToolsScenario(shop, sick, gateway);
    }

    /// <summary>Waits until the sick upstream's endpoint has failed its health check.</summary>
    public async Task WaitForSickAsync()
    {
        using var admin = Gateway.CreateAdminClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var json = await admin.GetStringAsync("/admin/inspect?kind=upstream&name=default/sick");
            if (json.Contains("unhealthy", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("the sick endpoint never failed its health check");
    }

    public Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] arguments) => SluiceProcess.RunAsync(arguments);

    public async Task<HttpStatusCode> GetAsync(HttpClient client, string host, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Shop.DisposeAsync();
        await Sick.DisposeAsync();
    }
}
