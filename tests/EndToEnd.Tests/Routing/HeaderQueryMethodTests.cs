using System.Net;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Routing.Support;

namespace Sluice.EndToEnd.Tests.Routing;

/// <summary>Gloo's <c>headers</c>, <c>queryParameters</c> and <c>methods</c> conditions.</summary>
public sealed class HeaderQueryMethodTests
{
    [Fact]
    public async Task HeaderValue_IsExact_AndRegexMatchesTheWholeValue()
    {
        await using var backends = await BackendSet.StartAsync("exact", "regex", "fallback");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /\nheaders:\n  - name: x-version\n    value: v1", "exact") +
                RouteYaml.Route("prefix: /\nheaders:\n  - name: x-version\n    value: 'v[0-9]+'\n    regex: true", "regex") +
                RouteYaml.Route("prefix: /", "fallback")));
        });
        using var client = gateway.CreateClient();

        Assert.Equal("exact", await client.WhoAnswersAsync("/", headers: ("x-version", "v1")));
        Assert.Equal("exact", await client.WhoAnswersAsync("/", headers: ("X-Version", "v1")));
        Assert.Equal("regex", await client.WhoAnswersAsync("/", headers: ("x-version", "v12")));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/", headers: ("x-version", "V1")));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/", headers: ("x-version", "v1x")));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/", headers: ("x-version", "xv1")));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/", headers: ("x-version", "")));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/"));
    }

    [Fact]
    public async Task HeaderPresence_AndInvertMatch()
    {
        await using var backends = await BackendSet.StartAsync("present", "not-beta", "absent", "fallback");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /presence\nheaders:\n  - name: x-debug", "present") +
                RouteYaml.Route("prefix: /invert-value\nheaders:\n  - name: x-channel\n    value: beta\n    invertMatch: true", "not-beta") +
                RouteYaml.Route("prefix: /invert-presence\nheaders:\n  - name: x-internal\n    invertMatch: true", "absent") +
                RouteYaml.Route("prefix: /", "fallback")));
        });
        using var client = gateway.CreateClient();

        // An empty value means "present", whatever the value.
        Assert.Equal("present", await client.WhoAnswersAsync("/presence", headers: ("x-debug", "1")));
        Assert.Equal("present", await client.WhoAnswersAsync("/presence", headers: ("x-debug", "anything at all")));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/presence"));

        // invertMatch with a value: any other value, and absence, match (Envoy's invert_match).
        Assert.Equal("not-beta", await client.WhoAnswersAsync("/invert-value", headers: ("x-channel", "stable")));
        Assert.Equal("not-beta", await client.WhoAnswersAsync("/invert-value"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/invert-value", headers: ("x-channel", "beta")));

        // invertMatch of presence: matches only when the header is absent.
        Assert.Equal("absent", await client.WhoAnswersAsync("/invert-presence"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/invert-presence", headers: ("x-internal", "1")));
    }

    [Fact]
    public async Task QueryParameters_ValueRegexAndPresence()
    {
        await using var backends = await BackendSet.StartAsync("value", "regex", "present", "fallback");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /value\nqueryParameters:\n  - name: env\n    value: prod", "value") +
                RouteYaml.Route("prefix: /regex\nqueryParameters:\n  - name: id\n    value: '[0-9]{3}'\n    regex: true", "regex") +
                RouteYaml.Route("prefix: /presence\nqueryParameters:\n  - name: debug", "present") +
                RouteYaml.Route("prefix: /", "fallback")));
        });
        using var client = gateway.CreateClient();

        var value = await client.SendAsync("/value?a=1&env=prod&b=2");
        Assert.Equal("value", value.Backend);
        Assert.Equal("?a=1&env=prod&b=2", value.Echo.Query);
        Assert.Equal("fallback", await client.WhoAnswersAsync("/value?env=production"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/value?env=PROD"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/value?environment=prod"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/value"));

        Assert.Equal("regex", await client.WhoAnswersAsync("/regex?id=123"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/regex?id=1234"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/regex?id=12"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/regex?id=a123"));

        Assert.Equal("present", await client.WhoAnswersAsync("/presence?debug"));
        Assert.Equal("present", await client.WhoAnswersAsync("/presence?debug=true"));
        Assert.Equal("present", await client.WhoAnswersAsync("/presence?x=1&debug="));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/presence?debugging=1"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/presence"));
    }

    [Fact]
    public async Task Methods_RestrictTheRoute()
    {
        await using var backends = await BackendSet.StartAsync("writer", "reader");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /items\nmethods: [POST]", "writer") +
                RouteYaml.Route("prefix: /items\nmethods: [GET, HEAD]", "reader")));
        });
        using var client = gateway.CreateClient();

        var post = await client.SendAsync("/items", method: HttpMethod.Post, content: new StringContent("new item"));
        Assert.Equal("writer", post.Backend);
        Assert.Equal("POST", post.Echo.Method);
        Assert.Equal("new item", post.Echo.Body);

        var get = await client.SendAsync("/items");
        Assert.Equal("reader", get.Backend);
        Assert.Equal("GET", get.Echo.Method);

        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync("/items", method: HttpMethod.Put)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync("/items", method: HttpMethod.Delete)).Status);
        Assert.Equal(1, backends["writer"].RequestCount);
        Assert.Equal(1, backends["reader"].RequestCount);
    }
}
