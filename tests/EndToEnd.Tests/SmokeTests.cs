using System.Net;
using System.Net.Http.Json;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task Gateway_ForwardsOverHttp1AndH2c_ToTheMatchingUpstream()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", Yaml.Upstream("a", backend.Port));
            g.WriteFile("vs.yaml", Yaml.VirtualService("vs", Yaml.PrefixRoute("/", "a")));
        });

        foreach (var version in new[] { HttpVersion.Version11, HttpVersion.Version20 })
        {
            using var client = gateway.CreateClient(version);
            using var response = await client.GetAsync("/hello?x=1");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(version, response.Version);
            var echo = await response.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions);
            Assert.Equal("/hello", echo!.Path);
            Assert.Equal("?x=1", echo.Query);
        }
    }
}
