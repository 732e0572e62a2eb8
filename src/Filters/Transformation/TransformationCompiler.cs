
namespace Sluice.Filters.Transformation;

/// <summary>
/// Turns the options into compiled transformations, reporting every problem with its path relative to the
/// option. Validation and compilation are the same walk: validation reports, compilation (of options already
/// accepted) keeps the result, so what was validated is exactly what runs.
/// </summary>
internal sealed partial class TransformationCompiler(IOptionsDiagnostics diagnostics)
{
    /// <summary>1 MiB, Envoy's default per-connection buffer limit, which bounds Gloo's transformation buffers too.</summary>
    public const long DefaultMaxBodyBytes = 1024 * 1024;

    public const long MaxMaxBodyBytes = 64 * 1024 * 1024;

    private static readonly HashSet<string> FramingHeaders = new(StringComparer.OrdinalIgnoreCase) { "content-length", "transfer-encoding", "connection", "upgrade" };

    private long _maxBodyBytes = DefaultMaxBodyBytes;

    /// <summary>Reads the limit; call it first, as every transformation compiled after it renders bodies within it.</summary>
    public long MaxBodyBytes(long? configured, string path)
    {
        if (configured is not { } value)
        {
            return _maxBodyBytes = DefaultMaxBodyBytes;
        }

        if (value < 1 || value > MaxMaxBodyBytes)
        {
            diagnostics.Error(path, $"maxBodyBytes must be between 1 and {MaxMaxBodyBytes} ({MaxMaxBodyBytes / (1024 * 1024)} MiB), got {value}");
            return _maxBodyBytes = DefaultMaxBodyBytes;
        }

        return _maxBodyBytes = value;
    }

    public TransformationStage? Stage(StageTransformationsOptions? options, bool escapeDefault, string path)
    {
        if (options is null)
        {
            return null;
        }

        var requests = new List<RequestRule>(options.RequestTransforms.Count);
        for (var i = 0; i < options.RequestTransforms.Count; i++)
        {
            var entry = options.RequestTransforms[i];
            var entryPath = $"{path}.requestTransforms[{i}]";
            if (entry.ClearRouteCache)
            {
                ReportClearRouteCache($"{entryPath}.clearRouteCache");
            }

            requests.Add(new RequestRule(
                entry.Matcher is null ? null : Condition(entry.Matcher, $"{entryPath}.matcher"),
                Transformation(entry.RequestTransformation, response: false, escapeDefault, $"{entryPath}.requestTransformation"),
                Transformation(entry.ResponseTransformation, response: true, escapeDefault, $"{entryPath}.responseTransformation")));
        }

        var responses = new List<ResponseRule>(options.ResponseTransforms.Count);
        for (var i = 0; i < options.ResponseTransforms.Count; i++)
        {
            var entry = options.ResponseTransforms[i];
            var entryPath = $"{path}.responseTransforms[{i}]";
            if (entry.ResponseCodeDetails is not null)
            {
                diagnostics.Error($"{entryPath}.responseCodeDetails", "responseCodeDetails is not supported: Sluice has no Envoy response code details to match; match on ':status' instead");
            }

            var matchers = new MessageHeaderCondition[entry.Matchers.Count];
            for (var m = 0; m < entry.Matchers.Count; m++)
            {
                matchers[m] = Header(entry.Matchers[m], $"{entryPath}.matchers[{m}]");
            }

            responses.Add(new ResponseRule(matchers, Transformation(entry.ResponseTransformation, response: true, escapeDefault, $"{entryPath}.responseTransformation")));
        }

        return new TransformationStage([.. requests], [.. responses]);
    }

    public void ReportClearRouteCache(string path) =>
        diagnostics.Error(path, "clearRouteCache is not supported: Sluice does not match the route again after a transformation; route on the original request, or remove the field");

    public CompiledTransformation? Transformation(TransformationOptions? options, bool response, bool escapeDefault, string path)
    {
        if (options is null)
        {
            return null;
        }

        var kinds = (options.TransformationTemplate is null ? 0 : 1) + (options.HeaderBodyTransform is null ? 0 : 1) + (options.XsltTransformation is null ? 0 : 1);
        if (kinds > 1)
        {
            diagnostics.Error(path, "set only one of transformationTemplate, headerBodyTransform and xsltTransformation");
        }

        if (options.HeaderBodyTransform is not null)
        {
            diagnostics.Error($"{path}.headerBodyTransform", "headerBodyTransform is not supported by Sluice; write the body with transformationTemplate.body instead");
        }

        if (options.XsltTransformation is not null)
        {
            diagnostics.Error($"{path}.xsltTransformation", "xsltTransformation (Gloo Enterprise) is not supported by Sluice");
        }

        if (options.LogRequestResponseInfo == true)
        {
            diagnostics.Warning($"{path}.logRequestResponseInfo", "logRequestResponseInfo is ignored: Sluice never logs message bodies");
        }

        return options.TransformationTemplate is null ? null : Template(options.TransformationTemplate, response, escapeDefault, $"{path}.transformationTemplate");
    }

    private CompiledTransformation? Template(TransformationTemplateOptions options, bool response, bool escapeDefault, string path)
    {
        var valid = true;
        if (options.AdvancedTemplates)
        {
            diagnostics.Warning($"{path}.advancedTemplates", "advancedTemplates has no effect: Liquid reads JSON fields with dot notation (a.b), not JSON pointers (a/b); extractors stay reachable as extraction(\"name\")");
        }

        if (options.DynamicMetadataValues.Count > 0)
        {
            diagnostics.Warning($"{path}.dynamicMetadataValues", "dynamicMetadataValues is ignored: Sluice has no Envoy dynamic metadata");
        }

        if (options.SpanTransformer is not null)
        {
            diagnostics.Warning($"{path}.spanTransformer", "spanTransformer is ignored: Sluice does not rename tracing spans");
        }

        if (options.MergeJsonKeys is not null)
        {
            diagnostics.Error($"{path}.mergeJsonKeys", "mergeJsonKeys is not supported by Sluice; render the whole body with body.text instead");
            valid = false;
        }

        var bodyKinds = (options.Body is null ? 0 : 1) + (options.Passthrough is null ? 0 : 1) + (options.MergeExtractorsToBody is null ? 0 : 1) + (options.MergeJsonKeys is null ? 0 : 1);
        if (bodyKinds > 1)
        {
            diagnostics.Error(path, "set only one of body, passthrough, mergeExtractorsToBody and mergeJsonKeys");
            valid = false;
        }

        var extractors = new List<Extractor>(options.Extractors.Count);
        foreach (var (name, extraction) in options.Extractors)
        {
            var extractor = Extraction(name, extraction, response, $"{path}.extractors.{name}");
            if (extractor is null)
            {
                valid = false;
                continue;
            }

            extractors.Add(extractor);
        }

        var extractorNames = new HashSet<string>(extractors.Where(e => !e.Name.Contains('.', StringComparison.Ordinal)).Select(e => e.Name), StringComparer.Ordinal);
        var headers = new List<HeaderTemplate>(options.Headers.Count);
        foreach (var (name, text) in options.Headers)
        {
            var headerPath = $"{path}.headers.{name}";
            var header = HeaderName(name, response, allowPseudo: true, headerPath);
            var template = Parse(text.Text, extractorNames, $"{headerPath}.text");
            if (header is null || template is null)
            {
                valid = false;
                continue;
            }

            headers.Add(new HeaderTemplate(header, template));
        }

        var appends = new List<HeaderTemplate>(options.HeadersToAppend.Count);
        for (var i = 0; i < options.HeadersToAppend.Count; i++)
        {
            var append = options.HeadersToAppend[i];
            var header = HeaderName(append.Key, response, allowPseudo: false, $"{path}.headersToAppend[{i}].key");
            var template = Parse(append.Value.Text, extractorNames, $"{path}.headersToAppend[{i}].value.text");
            if (header is null || template is null)
            {
                valid = false;
                continue;
            }

            appends.Add(new HeaderTemplate(header, template));
        }

        var removes = new List<string>(options.HeadersToRemove.Count);
        for (var i = 0; i < options.HeadersToRemove.Count; i++)
        {
            var name = options.HeadersToRemove[i];
            var removePath = $"{path}.headersToRemove[{i}]";
            if (name.StartsWith(':'))
            {
                diagnostics.Error(removePath, $"pseudo-header '{name}' cannot be removed");
                valid = false;
            }
            else if (!IsToken(name))
            {
                diagnostics.Error(removePath, $"'{name}' is not a valid header name");
                valid = false;
            }
            else
            {
                removes.Add(name.ToLowerInvariant());
            }
        }

        CompiledTemplate? bodyTemplate = null;
        var bodyAction = BodyAction.Keep;
        if (options.Body is not null)
        {
            bodyAction = BodyAction.Template;
            bodyTemplate = Parse(options.Body.Text, extractorNames, $"{path}.body.text");
            valid &= bodyTemplate is not null;
        }
        else if (options.MergeExtractorsToBody is not null)
        {
            bodyAction = BodyAction.MergeExtractors;
        }
        else if (options.Passthrough is not null)
        {
            bodyAction = BodyAction.Passthrough;
        }

        if (!valid)
        {
            return null;
        }

        var compiled = new CompiledTransformation(
            [.. extractors],
            [.. headers],
            [.. appends],
            [.. removes],
            bodyAction,
            bodyTemplate,
            options.ParseBodyBehavior == RequestBodyParse.ParseAsJson,
            options.IgnoreErrorOnParse,
            options.EscapeCharacters ?? escapeDefault,
            _maxBodyBytes);
        if (bodyAction == BodyAction.Passthrough && (extractors.Any(e => e.FromBody) || headers.Concat(appends).Any(h => h.Template.Usage != TemplateUsage.None)))
        {
            diagnostics.Warning(path, "passthrough is set, so the body is not buffered: templates and extractors that read it see an empty body");
        }

        return compiled;
    }

    private Extractor? Extraction(string name, ExtractionOptions options, bool response, string path)
    {
        if (name.Length == 0)
        {
            diagnostics.Error(path, "extractor names must not be empty");
            return null;
        }

        if ((options.Header is null) == (options.Body is null))
        {
            diagnostics.Error(path, "set exactly one of header and body as the extractor's source");
            return null;
        }

        string? header = null;
        if (options.Header is not null)
        {
            header = HeaderName(options.Header, response, allowPseudo: true, $"{path}.header", reading: true);
            if (header is null)
            {
                return null;
            }
        }

        var mode = options.Mode switch
        {
            null or "EXTRACT" or "0" => ExtractionMode.Extract,
            "SINGLE_REPLACE" or "1" => ExtractionMode.SingleReplace,
            "REPLACE_ALL" or "2" => ExtractionMode.ReplaceAll,
            _ => (ExtractionMode?)null,
        };
        if (mode is null)
        {
            diagnostics.Error($"{path}.mode", $"'{options.Mode}' is not one of EXTRACT, SINGLE_REPLACE, REPLACE_ALL");
            return null;
        }

        if (mode != ExtractionMode.Extract && options.ReplacementText is null)
        {
            diagnostics.Error($"{path}.replacementText", $"replacementText is required in {options.Mode} mode");
            return null;
        }

        if (mode == ExtractionMode.Extract && options.ReplacementText is not null)
        {
            diagnostics.Error($"{path}.replacementText", "replacementText is only allowed in SINGLE_REPLACE and REPLACE_ALL modes");
            return null;
        }

        if (mode == ExtractionMode.ReplaceAll && options.Subgroup != 0)
        {
            diagnostics.Error($"{path}.subgroup", "subgroup must not be set in REPLACE_ALL mode");
            return null;
        }

        // Envoy's extractors match the whole source (std::regex_match), except REPLACE_ALL, which finds every occurrence.
        if (!LinearRegex.TryCreate(options.Regex, caseSensitive: true, wholeString: mode != ExtractionMode.ReplaceAll, out var regex, out var error))
        {
            diagnostics.Error($"{path}.regex", error);
            return null;
        }

        var groups = regex.GetGroupNumbers().Length - 1;
        if (options.Subgroup > groups)
        {
            diagnostics.Error($"{path}.subgroup", $"subgroup {options.Subgroup} requested, but the regex has only {groups} capturing group{(groups == 1 ? string.Empty : "s")}");
            return null;
        }

        if (options.ReplacementText is not null && HeaderValueRules.ContainsForbiddenCharacter(options.ReplacementText))
        {
            diagnostics.Error($"{path}.replacementText", "replacementText must not contain CR, LF or NUL");
            return null;
        }

        return new Extractor(name, header, regex, (int)options.Subgroup, mode.Value, options.ReplacementText ?? string.Empty);
    }

    private CompiledTemplate? Parse(string text, IReadOnlySet<string> extractorNames, string path)
    {
        if (TemplateEngine.TryParse(text, extractorNames, out var template, out var error))
        {
            return template;
        }

        diagnostics.Error(path, error);
        return null;
    }

    /// <summary>A header a template may set (or an extractor read): a token, or one of the pseudo-headers Sluice maps.</summary>
    private string? HeaderName(string name, bool response, bool allowPseudo, string path, bool reading = false)
    {
        if (name.StartsWith(':'))
        {
            var allowed = response ? name == MessageHeaders.Status
                : name is MessageHeaders.Path or MessageHeaders.Method or MessageHeaders.Authority || (reading && name == MessageHeaders.Scheme);
            if (!allowPseudo || !allowed)
            {
                diagnostics.Error(path, response
                    ? $"pseudo-header '{name}' is not available on responses; only ':status' is"
                    : $"pseudo-header '{name}' is not available here; requests have ':path', ':method' and ':authority'{(reading ? " and ':scheme'" : string.Empty)}");
                return null;
            }

            return name;
        }

        if (!IsToken(name))
        {
            diagnostics.Error(path, $"'{name}' is not a valid header name");
            return null;
        }

        if (!reading && FramingHeaders.Contains(name))
        {
            diagnostics.Error(path, $"header '{name}' cannot be set by a transformation: Sluice sets message framing itself");
            return null;
        }

        return name.ToLowerInvariant();
    }

    private static bool IsToken(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }
}
