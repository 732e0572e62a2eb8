using Microsoft.AspNetCore.Http;
using Sluice.Filters.HeaderManipulation;

namespace Sluice.Filters.Tests.HeaderManipulation;

public sealed class HeaderManipulationFilterTests
{
    private static readonly HeaderManipulationFilterDescriptor Descriptor = new();

    [Fact]
    public async Task Request_AppendKeepsTheExistingValue_OverwriteReplacesIt()
    {
        var exchange = HeaderValueTemplateTests.Exchange();
        var headers = exchange.HttpContext.Request.Headers;
        headers["x-append"] = "old";
        headers["x-set"] = "old";
        var filter = Compile(new HeaderManipulationOptions
        {
            RequestHeadersToAdd = [Request("x-append", "new"), Request("x-set", "new", append: false), Request("x-fresh", "v")],
        });

        Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(exchange));

        Assert.Equal(["old", "new"], Values(headers, "x-append"));
        Assert.Equal(["new"], Values(headers, "x-set"));
        Assert.Equal(["v"], Values(headers, "x-fresh"));
    }

    [Fact]
    public async Task Request_RemovalsRunBeforeAdditions()
    {
        var exchange = HeaderValueTemplateTests.Exchange();
        var headers = exchange.HttpContext.Request.Headers;
        headers["x-replace"] = "client";
        headers["x-drop"] = "client";
        var filter = Compile(new HeaderManipulationOptions
        {
            RequestHeadersToAdd = [Request("x-replace", "gateway")],
            RequestHeadersToRemove = ["x-replace", "X-DROP"],
        });

        await filter.OnRequestAsync(exchange);

        Assert.Equal(["gateway"], Values(headers, "x-replace"));
        Assert.False(headers.ContainsKey("x-drop"));
    }

    [Fact]
    public async Task Request_EmptyEvaluatedValue_IsNotAdded()
    {
        var exchange = HeaderValueTemplateTests.Exchange();
        var headers = exchange.HttpContext.Request.Headers;
        headers["x-keep"] = "client";
        var filter = Compile(new HeaderManipulationOptions
        {
            RequestHeadersToAdd = [Request("x-copy", "%REQ(x-missing)%"), Request("x-keep", "%REQ(x-missing)%", append: false)],
        });

        await filter.OnRequestAsync(exchange);

        Assert.False(headers.ContainsKey("x-copy"));
        Assert.Equal(["client"], Values(headers, "x-keep"));
    }

    [Fact]
    public async Task Request_OverwritesApplyBeforeAppends_AsInEnvoy()
    {
        var exchange = HeaderValueTemplateTests.Exchange();
        var headers = exchange.HttpContext.Request.Headers;
        var filter = Compile(new HeaderManipulationOptions
        {
            RequestHeadersToAdd = [Request("x-tag", "a"), Request("x-tag", "b", append: false)],
        });

        await filter.OnRequestAsync(exchange);

        Assert.Equal(["b", "a"], Values(headers, "x-tag"));
    }

    [Fact]
    public async Task Request_ValuesReadTheRequestAsItArrived_WhenAnotherEntryChangesTheHeaderTheyRead()
    {
        var exchange = HeaderValueTemplateTests.Exchange();
        var headers = exchange.HttpContext.Request.Headers;
        headers["x-user"] = "alice";
        var filter = Compile(new HeaderManipulationOptions
        {
            RequestHeadersToAdd = [Request("x-user", "anonymous", append: false), Request("x-original-user", "%REQ(x-user)%")],
        });

        await filter.OnRequestAsync(exchange);

        Assert.Equal(["anonymous"], Values(headers, "x-user"));
        Assert.Equal(["alice"], Values(headers, "x-original-user"));
    }

    [Fact]
    public async Task Request_RemovedHeader_IsEmptyForValuesThatReadIt()
    {
        var exchange = HeaderValueTemplateTests.Exchange();
        var filter = Compile(new HeaderManipulationOptions
        {
            RequestHeadersToAdd = [Request("x-copy", "%REQ(x-id)%")],
            RequestHeadersToRemove = ["x-id"],
        });

        await filter.OnRequestAsync(exchange);

        Assert.False(exchange.HttpContext.Request.Headers.ContainsKey("x-copy"));
    }

    [Fact]
    public async Task Response_EditsTheResponseHeaders_AndLeavesTheRequestAlone()
    {
        var exchange = HeaderValueTemplateTests.Exchange();
        var response = exchange.HttpContext.Response.Headers;
        response["server"] = "backend";
        response["x-powered-by"] = "php";
        response["cache-control"] = "no-cache";
        var filter = Compile(new HeaderManipulationOptions
        {
            ResponseHeadersToAdd =
            [
                new HeaderValueOption { Header = new HeaderValue { Key = "x-route", Value = "%ROUTE_NAME%" } },
                new HeaderValueOption { Header = new HeaderValue { Key = "cache-control", Value = "max-age=60" }, Append = false },
            ],
            ResponseHeadersToRemove = ["server", "x-powered-by"],
        });

        await filter.OnRequestAsync(exchange);
        filter.OnResponseHeaders(exchange);

        Assert.False(response.ContainsKey("server"));
        Assert.False(response.ContainsKey("x-powered-by"));
        Assert.Equal(["default/vs/route-0"], Values(response, "x-route"));
        Assert.Equal(["max-age=60"], Values(response, "cache-control"));
        Assert.False(exchange.HttpContext.Request.Headers.ContainsKey("x-route"));
    }

    [Fact]
    public void Compile_RunsInTheTransformStage_AndDescribesItsEdits()
    {
        var filter = Compile(new HeaderManipulationOptions
        {
            RequestHeadersToAdd = [Request("x-a", "%REQ(x-id)%"), Request("x-b", "1", append: false)],
            RequestHeadersToRemove = ["x-c"],
            ResponseHeadersToRemove = ["server"],
        });

        Assert.Equal(FilterStage.Transform, filter.Stage);
        Assert.Equal("headerManipulation request[remove x-c, set x-b: 1, append x-a: %REQ(x-id)%] response[remove server]", filter.Describe());
    }

    private static HttpFilter Compile(HeaderManipulationOptions options)
    {
        Assert.DoesNotContain(RecordingDiagnostics.Validate(Descriptor, options), d => d.StartsWith("error", StringComparison.Ordinal));
        return Descriptor.Compile(options);
    }

    private static string[] Values(IHeaderDictionary headers, string name) => headers[name].ToArray()!;

    private static RequestHeaderValueOption Request(string key, string value, bool append = true) =>
        new() { Header = new HeaderValue { Key = key, Value = value }, Append = append };
}
