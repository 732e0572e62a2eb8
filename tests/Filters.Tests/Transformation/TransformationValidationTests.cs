using Sluice.Filters.Transformation;

namespace Sluice.Filters.Tests.Transformation;

public sealed class TransformationValidationTests
{
    private static readonly TransformationsFilterDescriptor Transformations = new();
    private static readonly StagedTransformationsFilterDescriptor Staged = new();

    [Fact]
    public void InvalidHeaderTemplate_IsReportedAtItsField_WithFluidsPosition()
    {
        var diagnostics = Validate(Request(new TransformationTemplateOptions
        {
            Headers = new Dictionary<string, TemplateText> { ["x-foo"] = new() { Text = "{{ header( }}" } },
        }));

        var (path, message) = diagnostics.SingleError();
        Assert.Equal("requestTransformation.transformationTemplate.headers.x-foo.text", path);
        Assert.StartsWith("invalid Liquid template: ", message, StringComparison.Ordinal);
        Assert.Contains("(1:", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void InvalidBodyAndAppendedHeaderTemplates_AreEachReported()
    {
        var diagnostics = Validate(new TransformationsOptions
        {
            ResponseTransformation = new TransformationOptions
            {
                TransformationTemplate = new TransformationTemplateOptions
                {
                    Body = new TemplateText { Text = "{% if x %}never closed" },
                    HeadersToAppend = [new HeaderToAppend { Key = "x-a", Value = new TemplateText { Text = "{{ }}" } }],
                },
            },
        });

        Assert.Equal(
            ["responseTransformation.transformationTemplate.body.text", "responseTransformation.transformationTemplate.headersToAppend[0].value.text"],
            diagnostics.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Contains(diagnostics.Errors, e => e.Message.Contains("endif", StringComparison.Ordinal));
    }

    [Fact]
    public void StagedTemplateErrors_CarryTheStageAndEntryIndex()
    {
        var diagnostics = new RecordingDiagnostics();
        Staged.Validate(new TransformationStagesOptions
        {
            Regular = new StageTransformationsOptions
            {
                RequestTransforms =
                [
                    new TransformationRequestMatch { RequestTransformation = Template(new TransformationTemplateOptions()) },
                    new TransformationRequestMatch
                    {
                        RequestTransformation = Template(new TransformationTemplateOptions
                        {
                            Headers = new Dictionary<string, TemplateText> { ["x-bad"] = new() { Text = "{{ a | }}" } },
                        }),
                    },
                ],
            },
        }, diagnostics);

        Assert.Equal("regular.requestTransforms[1].requestTransformation.transformationTemplate.headers.x-bad.text", diagnostics.SingleError().Path);
    }

    [Fact]
    public void InjaFunctionSyntax_ParsesAsIs()
    {
        var diagnostics = Validate(Request(new TransformationTemplateOptions
        {
            Headers = new Dictionary<string, TemplateText>
            {
                ["x-a"] = new() { Text = "{{ header(\"x-user\") }}-{{ extraction(\"id\") }}-{{ request_header(\":path\") }}" },
                ["x-b"] = new() { Text = "{% if header(\"x\") == \"y\" %}{{ base64_encode(body()) }}{% else %}{{ substring(\"abc\", 1) }}{% endif %}" },
            },
        }));

        Assert.Empty(diagnostics.Errors);
    }

    [Theory]
    [InlineData("{% include 'secrets' %}", "include")]
    [InlineData("{% render 'x' %}", "render")]
    public void TagsThatReadFiles_AreRefused(string text, string tag)
    {
        var diagnostics = Validate(Request(new TransformationTemplateOptions { Body = new TemplateText { Text = text } }));

        var (path, message) = diagnostics.SingleError();
        Assert.Equal("requestTransformation.transformationTemplate.body.text", path);
        Assert.Contains(tag, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{% for i in (1..count) %}x{% endfor %}", "literal numbers")]
    [InlineData("{% for i in (1..20000) %}x{% endfor %}", "at most 10000 items")]
    public void RangesAMessageCouldInflate_AreRefused(string text, string expected)
    {
        var diagnostics = Validate(Request(new TransformationTemplateOptions { Body = new TemplateText { Text = text } }));

        Assert.Contains(expected, diagnostics.SingleError().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExtractorProblems_AreReportedPerField()
    {
        var diagnostics = Validate(Request(new TransformationTemplateOptions
        {
            Extractors = new Dictionary<string, ExtractionOptions>
            {
                ["backtracking"] = new() { Header = "x-a", Regex = "(a)\\1" },
                ["group"] = new() { Header = "x-a", Regex = "a(b)", Subgroup = 2 },
                ["nosource"] = new() { Regex = ".*" },
                ["mode"] = new() { Body = new EmptyMessage(), Regex = ".*", Mode = "SINGLE_REPLACE" },
            },
        }));

        var prefix = "requestTransformation.transformationTemplate.extractors.";
        Assert.Equal(
            [prefix + "backtracking.regex", prefix + "group.subgroup", prefix + "mode.replacementText", prefix + "nosource"],
            diagnostics.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Contains(diagnostics.Errors, e => e.Message.Contains("only 1 capturing group", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false, ":status", "requests have ':path', ':method' and ':authority'")]
    [InlineData(true, ":path", "only ':status' is")]
    [InlineData(false, "content-length", "framing")]
    [InlineData(false, "bad header", "not a valid header name")]
    public void HeaderNames_AreCheckedForTheDirection(bool response, string name, string expected)
    {
        var template = new TransformationTemplateOptions { Headers = new Dictionary<string, TemplateText> { [name] = new() { Text = "x" } } };
        var diagnostics = Validate(response
            ? new TransformationsOptions { ResponseTransformation = Template(template) }
            : Request(template));

        var (path, message) = diagnostics.SingleError();
        Assert.Equal($"{(response ? "response" : "request")}Transformation.transformationTemplate.headers.{name}", path);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClearRouteCache_IsRefused_BecauseSluiceDoesNotRouteAgain()
    {
        var diagnostics = Validate(new TransformationsOptions { ClearRouteCache = true });

        var (path, message) = diagnostics.SingleError();
        Assert.Equal("clearRouteCache", path);
        Assert.Contains("does not match the route again", message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedGlooFields_AreErrorsOrWarningsByWhatIgnoringThemWouldChange()
    {
        var diagnostics = Validate(Request(new TransformationTemplateOptions
        {
            AdvancedTemplates = true,
            DynamicMetadataValues = [new DynamicMetadataValue { Key = "k", Value = new TemplateText { Text = "v" } }],
            MergeJsonKeys = new MergeJsonKeysOptions(),
        }));

        Assert.Equal(["requestTransformation.transformationTemplate.mergeJsonKeys"], diagnostics.Errors.Select(e => e.Path));
        Assert.Equal(
            ["requestTransformation.transformationTemplate.advancedTemplates", "requestTransformation.transformationTemplate.dynamicMetadataValues"],
            diagnostics.Warnings.Select(w => w.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void OnlyOneBodyAction_IsAllowed()
    {
        var diagnostics = Validate(Request(new TransformationTemplateOptions { Body = new TemplateText { Text = "x" }, Passthrough = new EmptyMessage() }));

        Assert.Equal("requestTransformation.transformationTemplate", diagnostics.SingleError().Path);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(128L * 1024 * 1024)]
    public void MaxBodyBytes_OutOfRange_IsAnError(long value)
    {
        var diagnostics = Validate(new TransformationsOptions { MaxBodyBytes = value });

        Assert.Equal("maxBodyBytes", diagnostics.SingleError().Path);
    }

    [Fact]
    public void StagedMatchers_AreValidated()
    {
        var diagnostics = new RecordingDiagnostics();
        Staged.Validate(new TransformationStagesOptions
        {
            InheritTransformation = true,
            Early = new StageTransformationsOptions
            {
                RequestTransforms = [new TransformationRequestMatch { Matcher = new TransformationMatcher { Prefix = "api" } }],
                ResponseTransforms =
                [
                    new TransformationResponseMatch
                    {
                        Matchers = [new TransformationHeaderMatcher { Name = ":status", Value = "(5", Regex = true }],
                        ResponseCodeDetails = "x",
                    },
                ],
            },
        }, diagnostics);

        Assert.Equal(
            ["early.requestTransforms[0].matcher.prefix", "early.responseTransforms[0].matchers[0].value", "early.responseTransforms[0].responseCodeDetails", "inheritTransformation"],
            diagnostics.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ValidOptions_CompileIntoOneTransformStageFilter()
    {
        var options = Request(new TransformationTemplateOptions
        {
            Extractors = new Dictionary<string, ExtractionOptions> { ["id"] = new() { Header = ":path", Regex = "/users/(\\d+)", Subgroup = 1 } },
            Headers = new Dictionary<string, TemplateText> { ["x-user"] = new() { Text = "{{ id }}" } },
        });
        Assert.Empty(Validate(options).Errors);

        var filter = Transformations.Compile(options);

        Assert.Equal(FilterStage.Transform, filter.Stage);
        Assert.Contains("extract id from :path", filter.Describe(), StringComparison.Ordinal);
        Assert.Contains("set x-user", filter.Describe(), StringComparison.Ordinal);
    }

    private static RecordingDiagnostics Validate(TransformationsOptions options)
    {
        var diagnostics = new RecordingDiagnostics();
        Transformations.Validate(options, diagnostics);
        return diagnostics;
    }

    private static TransformationsOptions Request(TransformationTemplateOptions template) => new() { RequestTransformation = Template(template) };

    private static TransformationOptions Template(TransformationTemplateOptions template) => new() { TransformationTemplate = template };
}
