using System.Text;
using Microsoft.AspNetCore.Http;
using Sluice.Filters.Transformation;

namespace Sluice.Filters.Tests.Transformation;

/// <summary>The request and response sides run on a bare HttpContext: templates, extractors, JSON fields and pseudo-headers.</summary>
public sealed class TransformationRenderingTests
{
    [Fact]
    public async Task HeaderTemplates_ReadHeadersExtractionsAndJsonFields_InEveryLiquidSpelling()
    {
        var exchange = Exchange("/users/42", """{"user":{"id":7,"name":"Ada"},"tags":["a","b"]}""");
        exchange.HttpContext.Request.Headers["X-Team"] = "core";
        var filter = Request(new TransformationTemplateOptions
        {
            Extractors = new Dictionary<string, ExtractionOptions> { ["uid"] = new() { Header = ":path", Regex = "/users/(\\d+)", Subgroup = 1 } },
            Headers = new Dictionary<string, TemplateText>
            {
                ["x-inja"] = new() { Text = "{{ header(\"x-team\") }}/{{ extraction(\"uid\") }}" },
                ["x-liquid"] = new() { Text = "{{ header.x-team }}/{{ extraction.uid }}/{{ uid }}/{{ \"x-team\" | header | upcase }}" },
                ["x-json"] = new() { Text = "{{ user.id }}-{{ body.user.name }}-{{ tags[1] }}-{{ tags | size }}" },
                ["x-missing"] = new() { Text = "[{{ user.nope }}{{ nothing.at.all }}]" },
                ["x-shapes"] = new() { Text = "{{ user }}|{{ tags | json }}|{{ user.name | slice: 0, 2 }}" },
                ["x-argument"] = new() { Text = "{% if true %}{{ \"by \" | append: user.name }}{% endif %}" },
            },
        });

        Assert.Equal(FilterVerdict.Continue, await Run(filter, exchange));

        var headers = exchange.HttpContext.Request.Headers;
        Assert.Equal("core/42", headers["x-inja"]);
        Assert.Equal("core/42/42/CORE", headers["x-liquid"]);
        Assert.Equal("7-Ada-b-2", headers["x-json"]);
        Assert.Equal("[]", headers["x-missing"]);
        Assert.Equal("""{"id":7,"name":"Ada"}|["a","b"]|Ad""", headers["x-shapes"]);
        Assert.Equal("by Ada", headers["x-argument"]);
    }

    [Fact]
    public async Task HeaderRenderedEmpty_IsRemoved_AsInGloo()
    {
        var exchange = Exchange("/", body: null);
        exchange.HttpContext.Request.Headers["x-drop"] = "old";
        var filter = Request(new TransformationTemplateOptions
        {
            Headers = new Dictionary<string, TemplateText> { ["x-drop"] = new() { Text = "{{ header.x-absent }}" } },
        });

        await Run(filter, exchange);

        Assert.False(exchange.HttpContext.Request.Headers.ContainsKey("x-drop"));
    }

    [Fact]
    public async Task PseudoHeaders_RewritePathQueryAndMethod()
    {
        var exchange = Exchange("/old/a b", body: null);
        exchange.HttpContext.Request.QueryString = new QueryString("?q=1");
        var filter = Request(new TransformationTemplateOptions
        {
            Headers = new Dictionary<string, TemplateText>
            {
                [":path"] = new() { Text = "/new{{ header(\":path\") }}&x=2" },
                [":method"] = new() { Text = "POST" },
            },
        });

        await Run(filter, exchange);

        Assert.Equal("/new/old/a b", exchange.UpstreamPath);
        Assert.Equal("?q=1&x=2", exchange.HttpContext.Request.QueryString.Value);
        Assert.Equal("POST", exchange.HttpContext.Request.Method);
    }

    [Fact]
    public async Task BodyTemplate_ReplacesTheBody_AndSetsItsLength()
    {
        var exchange = Exchange("/", """{"name":"Ada"}""");
        exchange.HttpContext.Request.Headers.TransferEncoding = "chunked";
        var filter = Request(new TransformationTemplateOptions { Body = new TemplateText { Text = """{"greeting":"hi {{ name }}","raw":{{ body }}}""" } });

        await Run(filter, exchange);

        var body = await ReadBody(exchange.HttpContext.Request.Body);
        Assert.Equal("""{"greeting":"hi Ada","raw":{"name":"Ada"}}""", body);
        Assert.Equal(Encoding.UTF8.GetByteCount(body), exchange.HttpContext.Request.ContentLength);
        Assert.False(exchange.HttpContext.Request.Headers.ContainsKey("Transfer-Encoding"));
    }

    [Fact]
    public async Task NonJsonBody_WithParseAsJson_Is400_UnlessIgnored_AndDontParseGivesTheText()
    {
        TransformationTemplateOptions Template(RequestBodyParse parse, bool ignore) => new()
        {
            ParseBodyBehavior = parse,
            IgnoreErrorOnParse = ignore,
            Headers = new Dictionary<string, TemplateText> { ["x-out"] = new() { Text = "<{{ field }}|{{ body }}>" } },
        };

        var strict = Exchange("/", "not json");
        Assert.Equal(FilterVerdict.Handled, await Run(Request(Template(RequestBodyParse.ParseAsJson, ignore: false)), strict));
        Assert.Equal(400, strict.HttpContext.Response.StatusCode);

        var ignored = Exchange("/", "not json");
        Assert.Equal(FilterVerdict.Continue, await Run(Request(Template(RequestBodyParse.ParseAsJson, ignore: true)), ignored));
        Assert.Equal("<|not json>", ignored.HttpContext.Request.Headers["x-out"]);

        var raw = Exchange("/", "not json");
        Assert.Equal(FilterVerdict.Continue, await Run(Request(Template(RequestBodyParse.DontParse, ignore: false)), raw));
        Assert.Equal("<|not json>", raw.HttpContext.Request.Headers["x-out"]);
        Assert.Equal("not json", await ReadBody(raw.HttpContext.Request.Body));
    }

    [Fact]
    public async Task TemplatesThatDoNotReadTheBody_NeverParseIt()
    {
        var exchange = Exchange("/", "not json at all");
        var filter = Request(new TransformationTemplateOptions { Headers = new Dictionary<string, TemplateText> { ["x-a"] = new() { Text = "{{ header.host }}ok" } } });

        Assert.Equal(FilterVerdict.Continue, await Run(filter, exchange));
        Assert.Equal("ok", exchange.HttpContext.Request.Headers["x-a"]);
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413()
    {
        var exchange = Exchange("/", new string('a', 200));
        var filter = new TransformationsFilterDescriptor().Compile(new TransformationsOptions
        {
            MaxBodyBytes = 100,
            RequestTransformation = new TransformationOptions { TransformationTemplate = new TransformationTemplateOptions { ParseBodyBehavior = RequestBodyParse.DontParse, Body = new TemplateText { Text = "{{ body | size }}" } } },
        });

        Assert.Equal(FilterVerdict.Handled, await Run(filter, exchange));
        Assert.Equal(413, exchange.HttpContext.Response.StatusCode);
    }

    [Fact]
    public async Task MergeExtractorsToBody_NestsDottedNames_IntoTheParsedBody()
    {
        var exchange = Exchange("/orders/9", """{"keep":true}""");
        exchange.HttpContext.Request.Headers["x-tenant"] = "acme";
        var filter = Request(new TransformationTemplateOptions
        {
            Extractors = new Dictionary<string, ExtractionOptions>
            {
                ["order.id"] = new() { Header = ":path", Regex = "/orders/(.*)", Subgroup = 1 },
                ["tenant"] = new() { Header = "x-tenant", Regex = ".*" },
            },
            MergeExtractorsToBody = new EmptyMessage(),
        });

        await Run(filter, exchange);

        Assert.Equal("""{"keep":true,"order":{"id":"9"},"tenant":"acme"}""", await ReadBody(exchange.HttpContext.Request.Body));
    }

    [Theory]
    [InlineData("EXTRACT", "user-(\\d+)", 1, null, "id user-42 end", "")]
    [InlineData("EXTRACT", ".*user-(\\d+).*", 1, null, "id user-42 end", "42")]
    [InlineData("SINGLE_REPLACE", ".*user-(\\d+).*", 1, "N", "id user-42 end", "id user-N end")]
    [InlineData("REPLACE_ALL", "\\d", 0, "#", "a1b22", "a#b##")]
    public async Task ExtractorModes_FollowEnvoy(string mode, string regex, uint subgroup, string? replacement, string input, string expected)
    {
        var exchange = Exchange("/", body: null);
        exchange.HttpContext.Request.Headers["x-in"] = input;
        var filter = Request(new TransformationTemplateOptions
        {
            Extractors = new Dictionary<string, ExtractionOptions> { ["e"] = new() { Header = "x-in", Regex = regex, Subgroup = subgroup, Mode = mode, ReplacementText = replacement } },
            Headers = new Dictionary<string, TemplateText> { ["x-out"] = new() { Text = "[{{ e }}]" } },
        });

        await Run(filter, exchange);

        Assert.Equal($"[{expected}]", exchange.HttpContext.Request.Headers["x-out"]);
    }

    [Fact]
    public async Task EscapeCharacters_EscapesStringsAsJson_ButNotRawStrings()
    {
        var exchange = Exchange("/", body: null);
        exchange.HttpContext.Request.Headers["x-q"] = "say \"hi\" \\ ok";
        var filter = Request(new TransformationTemplateOptions
        {
            EscapeCharacters = true,
            Body = new TemplateText { Text = "{\"q\":\"{{ header.x-q }}\",\"r\":\"{{ raw_string(header.x-q) }}\"}" },
        });

        await Run(filter, exchange);

        Assert.Equal("{\"q\":\"say \\\"hi\\\" \\\\ ok\",\"r\":\"say \"hi\" \\ ok\"}", await ReadBody(exchange.HttpContext.Request.Body));
    }

    [Fact]
    public async Task RenderedHeaderWithALineBreak_IsRefused()
    {
        var exchange = Exchange("/", body: null);
        exchange.HttpContext.Request.Headers["x-in"] = "a";
        var filter = Request(new TransformationTemplateOptions
        {
            Headers = new Dictionary<string, TemplateText> { ["x-out"] = new() { Text = "{{ header.x-in }}\r\nx-injected: 1" } },
        });

        Assert.Equal(FilterVerdict.Handled, await Run(filter, exchange));
        Assert.Equal(400, exchange.HttpContext.Response.StatusCode);
    }

    [Theory]
    [InlineData("{% for i in (1..5000) %}{% for j in (1..5000) %}x{% endfor %}{% endfor %}")]
    [InlineData("{{ 1 | divided_by: 0 }}")]
    public async Task TemplateFailingAtRunTime_FailsTheRequestWith400_NotTheGateway(string text)
    {
        var exchange = Exchange("/", body: null);
        var filter = Request(new TransformationTemplateOptions { Headers = new Dictionary<string, TemplateText> { ["x-out"] = new() { Text = text } } });

        Assert.Equal(FilterVerdict.Handled, await Run(filter, exchange));
        Assert.Equal(400, exchange.HttpContext.Response.StatusCode);
    }

    [Fact]
    public async Task RenderedBodyOverMaxBodyBytes_FailsTheRequest_InsteadOfGrowingWithoutBound()
    {
        var exchange = Exchange("/", "0123456789");
        var filter = new TransformationsFilterDescriptor().Compile(new TransformationsOptions
        {
            MaxBodyBytes = 100,
            RequestTransformation = new TransformationOptions
            {
                TransformationTemplate = new TransformationTemplateOptions { ParseBodyBehavior = RequestBodyParse.DontParse, Body = new TemplateText { Text = "{% for i in (1..50) %}{{ body }}{% endfor %}" } },
            },
        });

        Assert.Equal(FilterVerdict.Handled, await Run(filter, exchange));
        Assert.Equal(400, exchange.HttpContext.Response.StatusCode);
    }

    [Fact]
    public async Task RegularStageMatcher_SeesThePathTheEarlyStageRewrote()
    {
        var exchange = Exchange("/old", body: null);
        var filter = new StagedTransformationsFilterDescriptor().Compile(new TransformationStagesOptions
        {
            Early = new StageTransformationsOptions { RequestTransforms = [Entry(null, ":path", "/new")] },
            Regular = new StageTransformationsOptions { RequestTransforms = [Entry(new TransformationMatcher { Exact = "/new" }, "x-seen", "new path")] },
        });
        exchange.Chain = [filter];

        await filter.OnRequestAsync(exchange);

        Assert.Equal("new path", exchange.HttpContext.Request.Headers["x-seen"]);
    }

    [Fact]
    public async Task ResponseHeaderTransformation_SetsStatusAndReadsRequestHeaders()
    {
        var exchange = Exchange("/", body: null);
        exchange.HttpContext.Request.Headers["x-id"] = "r1";
        exchange.HttpContext.Response.StatusCode = 404;
        var filter = new TransformationsFilterDescriptor().Compile(new TransformationsOptions
        {
            ResponseTransformation = new TransformationOptions
            {
                TransformationTemplate = new TransformationTemplateOptions
                {
                    Headers = new Dictionary<string, TemplateText>
                    {
                        [":status"] = new() { Text = "{% if header(\":status\") == \"404\" %}200{% endif %}" },
                        ["x-echo"] = new() { Text = "{{ request_header(\"x-id\") }}" },
                    },
                },
            },
        });
        exchange.Chain = [filter];

        await filter.OnRequestAsync(exchange);
        filter.OnResponseHeaders(exchange);

        Assert.Equal(200, exchange.HttpContext.Response.StatusCode);
        Assert.Equal("r1", exchange.HttpContext.Response.Headers["x-echo"]);
    }

    [Fact]
    public async Task ResponseBodyTransformation_HoldsTheBody_UntilComplete()
    {
        var exchange = Exchange("/", body: null);
        var sink = new MemoryStream();
        exchange.HttpContext.Response.Body = sink;
        var filter = new TransformationsFilterDescriptor().Compile(new TransformationsOptions
        {
            ResponseTransformation = new TransformationOptions
            {
                TransformationTemplate = new TransformationTemplateOptions { Body = new TemplateText { Text = "{\"wrapped\":{{ context() }},\"n\":{{ count }}}" } },
            },
        });
        exchange.Chain = [filter];

        await filter.OnRequestAsync(exchange);
        filter.OnResponseHeaders(exchange);
        await exchange.HttpContext.Response.Body.WriteAsync("""{"count":3}"""u8.ToArray());
        Assert.Equal(0, sink.Length);
        await filter.OnResponseCompletedAsync(exchange);

        Assert.Equal("""{"wrapped":{"count":3},"n":3}""", Encoding.UTF8.GetString(sink.ToArray()));
        Assert.Equal(sink.Length, exchange.HttpContext.Response.ContentLength);
        Assert.Same(sink, exchange.HttpContext.Response.Body);
    }

    [Fact]
    public async Task StagedTransformations_EarlyRunsBeforeRegular_AndMatchersSelectEntries()
    {
        var exchange = Exchange("/api/items", body: null);
        exchange.HttpContext.Request.Headers["x-mode"] = "beta";
        var filter = new StagedTransformationsFilterDescriptor().Compile(new TransformationStagesOptions
        {
            Early = new StageTransformationsOptions
            {
                RequestTransforms = [Entry(null, "x-stage", "early")],
            },
            Regular = new StageTransformationsOptions
            {
                RequestTransforms =
                [
                    Entry(new TransformationMatcher { Prefix = "/other" }, "x-picked", "other"),
                    Entry(new TransformationMatcher { Prefix = "/api", Headers = [new TransformationHeaderMatcher { Name = "x-mode", Value = "beta" }] }, "x-picked", "{{ header.x-stage }}-then-regular"),
                    Entry(null, "x-picked", "fallback"),
                ],
            },
        });
        exchange.Chain = [filter];

        await filter.OnRequestAsync(exchange);

        Assert.Equal("early-then-regular", exchange.HttpContext.Request.Headers["x-picked"]);
    }

    [Fact]
    public async Task BothOptionsOnOneRoute_StagedRegularWins_AsGlooIgnoresTransformations()
    {
        var exchange = Exchange("/", body: null);
        var legacy = new TransformationsFilterDescriptor().Compile(new TransformationsOptions
        {
            RequestTransformation = new TransformationOptions { TransformationTemplate = new TransformationTemplateOptions { Headers = new Dictionary<string, TemplateText> { ["x-from"] = new() { Text = "legacy" } } } },
        });
        var staged = new StagedTransformationsFilterDescriptor().Compile(new TransformationStagesOptions
        {
            Regular = new StageTransformationsOptions { RequestTransforms = [Entry(null, "x-from", "staged")] },
        });
        exchange.Chain = [legacy, staged];

        foreach (var filter in exchange.Chain)
        {
            await filter.OnRequestAsync(exchange);
        }

        Assert.Equal("staged", exchange.HttpContext.Request.Headers["x-from"]);
    }

    private static TransformationRequestMatch Entry(TransformationMatcher? matcher, string header, string text) => new()
    {
        Matcher = matcher,
        RequestTransformation = new TransformationOptions
        {
            TransformationTemplate = new TransformationTemplateOptions { Headers = new Dictionary<string, TemplateText> { [header] = new() { Text = text } } },
        },
    };

    private static HttpFilter Request(TransformationTemplateOptions template)
    {
        var options = new TransformationsOptions { RequestTransformation = new TransformationOptions { TransformationTemplate = template } };
        var diagnostics = new RecordingDiagnostics();
        new TransformationsFilterDescriptor().Validate(options, diagnostics);
        Assert.Empty(diagnostics.Errors);
        return new TransformationsFilterDescriptor().Compile(options);
    }

    private static ProxyExchange Exchange(string path, string? body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = path;
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentLength = bytes.Length;
        }

        return new ProxyExchange(context, path, "route");
    }

    private static async Task<FilterVerdict> Run(HttpFilter filter, ProxyExchange exchange)
    {
        exchange.Chain = [filter];
        return await filter.OnRequestAsync(exchange);
    }

    private static async Task<string> ReadBody(Stream body)
    {
        using var reader = new StreamReader(body);
        return await reader.ReadToEndAsync();
    }
}
