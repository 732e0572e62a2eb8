using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Filters.Transformation;

/// <summary>
/// transformations and stagedTransformations through the real gateway to real echo backends: what the backend
/// received (or the client got back) is the assertion.
/// </summary>
public sealed class TransformationEndToEndTests(TransformationGatewayFixture fixture) : IClassFixture<TransformationGatewayFixture>
{
    [Fact]
    public async Task Extractors_FromAHeaderAndFromTheBody_FeedHeaderTemplates()
    {
        using var request = Post("/extract/x", """{"tenant":"acme","other":1}""");
        request.Headers.Add("x-user", "user-1234");

        var echo = await SendForEchoAsync(request);

        Assert.Equal("1234", echo.Headers["x-user-id"]);
        Assert.Equal("acme", echo.Headers["x-tenant"]);
        Assert.Equal("""{"tenant":"acme","other":1}""", echo.Body);
    }

    [Fact]
    public async Task HeaderTemplates_SetAppendAndRemove_WithInjaAndLiquidSpellings()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/headers/a?b=1");
        request.Headers.Add("x-name", "ada");
        request.Headers.Add("x-secret", "hunter2");
        request.Headers.Add("x-multi", "first");

        var echo = await SendForEchoAsync(request);

        Assert.Equal("hello ada from GET /headers/a?b=1", echo.Headers["x-greeting"]);
        Assert.Equal("ADA", echo.Headers["x-shout"]);
        Assert.Equal("first, second", echo.Headers["x-multi"]);
        Assert.False(echo.Headers.ContainsKey("x-secret"));
    }

    [Fact]
    public async Task BodyTemplate_UsesJsonFields_AndMissingFieldsRenderEmpty()
    {
        using var request = Post("/json-body/", """{"user":{"id":42,"name":"ada"},"tags":["admin","ops"]}""");

        var echo = await SendForEchoAsync(request);

        Assert.Equal("""{"id":42,"name":"ADA","first_tag":"admin","missing":""}""", echo.Body);
        Assert.Equal(Encoding.UTF8.GetByteCount(echo.Body).ToString(System.Globalization.CultureInfo.InvariantCulture), echo.Headers["content-length"]);
        Assert.Equal("application/json", echo.Headers["content-type"]);
    }

    [Fact]
    public async Task Passthrough_KeepsTheBodyAsSent_EvenWhenItIsNotJson()
    {
        using var request = Post("/passthrough/", "plain text, {not json");

        var echo = await SendForEchoAsync(request);

        Assert.Equal("plain text, {not json", echo.Body);
        Assert.Equal("yes", echo.Headers["x-passed"]);
    }

    [Fact]
    public async Task MergeExtractorsToBody_AddsExtractionsToTheJsonBody()
    {
        using var request = Post("/merge/orders/77", """{"qty":2}""");
        request.Headers.Add("x-caller", "shop");

        var echo = await SendForEchoAsync(request);

        using var body = JsonDocument.Parse(echo.Body);
        Assert.Equal(2, body.RootElement.GetProperty("qty").GetInt32());
        Assert.Equal("77", body.RootElement.GetProperty("order").GetProperty("id").GetString());
        Assert.Equal("shop", body.RootElement.GetProperty("caller").GetString());
    }

    [Fact]
    public async Task NonJsonBody_IsRejectedWith400_UnderParseAsJson_AndPassesUnderDontParse()
    {
        using var client = fixture.Gateway.CreateClient();

        using var strict = await client.SendAsync(Post("/strict/", "name=ada"));
        Assert.Equal(HttpStatusCode.BadRequest, strict.StatusCode);
        Assert.Contains("not valid JSON", await strict.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var echo = await SendForEchoAsync(Post("/dontparse/", "name=ada"));
        Assert.Equal("raw=name=ada;name=[]", echo.Body);

        var json = await SendForEchoAsync(Post("/strict/", """{"name":"ada"}"""));
        Assert.Equal("name=ada", json.Body);
    }

    [Fact]
    public async Task PathAndMethodPseudoHeaders_RewriteWhatTheUpstreamGets()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/rewrite/items/9?dropped=1");
        request.Headers.Add("x-extra-query", "k=v");

        var echo = await SendForEchoAsync(request);

        Assert.Equal("/v2/items/9", echo.Path);
        Assert.Equal("?via=transform&k=v", echo.Query);
        Assert.Equal("PUT", echo.Method);
    }

    [Fact]
    public async Task ResponseTransformation_RewritesStatusHeadersAndBody()
    {
        using var client = fixture.Gateway.CreateClient();

        using var response = await client.GetAsync("/response/item?q=1");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json", response.Headers.GetValues("x-upstream-type").Single());
        Assert.Equal("/response/item?q=1", response.Headers.GetValues("x-asked-for").Single());
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("""{"seen":"/response/item","by":"echo","status":200}""", body);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task RequestBodyOverMaxBodyBytes_Is413_AndUnderItPasses()
    {
        using var client = fixture.Gateway.CreateClient();

        using var large = await client.SendAsync(Post("/limit/", new string('x', 4000)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);

        // Chunked, so the limit is found while reading rather than from Content-Length.
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/limit/") { Content = new StreamContent(new MemoryStream(new byte[3000])) };
        chunked.Headers.TransferEncodingChunked = true;
        using var chunkedResponse = await client.SendAsync(chunked);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedResponse.StatusCode);

        var echo = await SendForEchoAsync(Post("/limit/", new string('x', 1000)));
        Assert.Equal("1000", echo.Headers["x-length"]);
        Assert.Equal(1000, echo.Body.Length);
    }

    [Fact]
    public async Task ResponseBodyOverMaxBodyBytes_Is500_NeverSentUntransformed()
    {
        using var client = fixture.Gateway.CreateClient();

        using var response = await client.GetAsync("/big-response/" + new string('p', 100));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("larger than this route's transformation allows (64 bytes)", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"backend\"", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task BodyAddedToABodylessGet_ReachesTheUpstream(string version)
    {
        using var client = fixture.Gateway.CreateClient(Version.Parse(version));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/add-body/") { Version = Version.Parse(version), VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Headers.Add("x-val", "v" + version);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Version.Parse(version), response.Version);
        var echo = (await response.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))!;
        Assert.Equal("GET", echo.Method);
        Assert.Equal($$"""{"added":"v{{version}}"}""", echo.Body);
        Assert.Equal(echo.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), echo.Headers["content-length"]);
    }

    [Fact]
    public async Task StagedTransformations_EarlyThenRegular_WithRequestAndStatusMatchers()
    {
        using var client = fixture.Gateway.CreateClient();

        var echo = await SendForEchoAsync(new HttpRequestMessage(HttpMethod.Get, "/staged/users"));
        Assert.Equal("early", echo.Headers["x-early"]);
        Assert.Equal("after early", echo.Headers["x-regular"]);

        var admin = await SendForEchoAsync(new HttpRequestMessage(HttpMethod.Get, "/staged/admin"));
        Assert.Equal("admin", admin.Headers["x-regular"]);

        using var ok = await client.GetAsync("/staged/users?status=200");
        Assert.Equal("yes", ok.Headers.GetValues("x-ok").Single());

        using var failed = await client.GetAsync("/staged/users?status=503");
        Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        Assert.Equal("""{"error":"upstream said 503"}""", await failed.Content.ReadAsStringAsync());
        Assert.False(failed.Headers.Contains("x-ok"));
    }

    [Fact]
    public async Task InvalidTemplate_RejectsOnlyItsVirtualService_AtTheTemplatesField()
    {
        var status = await fixture.Gateway.GetStatusAsync("VirtualService", "broken");

        Assert.Equal("Rejected", status.GetProperty("status").GetString());
        var reason = Assert.Single(status.GetProperty("reasons").EnumerateArray());
        Assert.Equal("virtualHost.routes[0].options.transformations.requestTransformation.transformationTemplate.headers.x-foo.text", reason.GetProperty("field").GetString());
        Assert.Equal(18, reason.GetProperty("line").GetInt32());
        Assert.Equal(27, reason.GetProperty("column").GetInt32());
        Assert.Equal("invalid Liquid template: End of tag '}}' was expected at (1:10)", reason.GetProperty("message").GetString());
        Assert.Equal("Accepted", (await fixture.Gateway.GetStatusAsync("VirtualService", "transform")).GetProperty("status").GetString());
    }

    private static HttpRequestMessage Post(string path, string body) =>
        new(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private async Task<EchoResponse> SendForEchoAsync(HttpRequestMessage request)
    {
        using var client = fixture.Gateway.CreateClient();
        using (request)
        {
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
            return JsonSerializer.Deserialize<EchoResponse>(text, EchoResponse.JsonOptions)!;
        }
    }
}
