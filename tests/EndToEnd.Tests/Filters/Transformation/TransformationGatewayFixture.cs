using Microsoft.AspNetCore.Http;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Filters.Transformation;

/// <summary>
/// One gateway for the transformation tests: an echo backend, a backend that answers the status its query asks for,
/// and one route per scenario, each with its own transformation options written as Gloo users write them.
/// </summary>
public sealed class TransformationGatewayFixture : IAsyncLifetime
{
    private TestBackend? _echo;
    private TestBackend? _status;

    public GatewayFixture Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _echo = await TestBackend.StartAsync("echo");
        _status = await TestBackend.StartAsync("status", async context =>
        {
            context.Response.StatusCode = int.TryParse(context.Request.Query["status"], out var status) ? status : StatusCodes.Status200OK;
            await TestBackend.Echo(context, "status");
        });
        Gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Yaml.Upstream("echo", _echo.Port) + "---\n" + Yaml.Upstream("status", _status.Port));
            g.WriteFile("vs.yaml", TransformationRoutes.VirtualService);
            g.WriteFile("broken.yaml", TransformationRoutes.BrokenVirtualService);
        });
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await _echo!.DisposeAsync();
        await _status!.DisposeAsync();
    }
}
