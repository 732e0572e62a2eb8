using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fluid;
using Microsoft.AspNetCore.Http;

namespace Sluice.Filters.Transformation;

/// <summary>What a transformation does with the body.</summary>
internal enum BodyAction
{
    /// <summary>The body is kept; it is buffered only if a template or extractor reads it.</summary>
    Keep,

    /// <summary><c>body: {text}</c>: the body is replaced by the rendered template.</summary>
    Template,

    /// <summary><c>mergeExtractorsToBody</c>: the body is replaced by the JSON body merged with every extraction.</summary>
    MergeExtractors,

    /// <summary><c>passthrough</c>: the body is neither buffered nor changed; templates see it empty.</summary>
    Passthrough,
}

/// <summary>A header name (lower-cased, as Envoy's) and the template of its value.</summary>
internal sealed record HeaderTemplate(string Name, CompiledTemplate Template);

/// <summary>Why a transformation could not be applied; the client gets <see cref="Status"/> and the message.</summary>
internal readonly record struct TransformError(int Status, string Message);

/// <summary>
/// One compiled <c>transformationTemplate</c>, immutable and shared by every request. Applies in Gloo's order:
/// extractors, then the body is rendered (from the original body), then <c>headers</c>, <c>headersToRemove</c>,
/// <c>headersToAppend</c>, and last the body is replaced, so headers and body both see the message as it came.
/// </summary>
internal sealed partial class CompiledTransformation
{
    /// <summary>Far above any real header value, far below what would hurt: peers refuse headers past a few tens of KiB anyway.</summary>
    public const int MaxHeaderValueChars = 64 * 1024;

    private readonly string[] _extractorNames;

    public CompiledTransformation(
        Extractor[] extractors,
        HeaderTemplate[] headers,
        HeaderTemplate[] headersToAppend,
        string[] headersToRemove,
        BodyAction bodyAction,
        CompiledTemplate? bodyTemplate,
        bool parseAsJson,
        bool ignoreErrorOnParse,
        bool escapeCharacters,
        long maxBodyBytes)
    {
        MaxBodyBytes = maxBodyBytes;
        Extractors = extractors;
        Headers = headers;
        HeadersToAppend = headersToAppend;
        HeadersToRemove = headersToRemove;
        BodyAction = bodyAction;
        BodyTemplate = bodyTemplate;
        ParseAsJson = parseAsJson;
        IgnoreErrorOnParse = ignoreErrorOnParse;
        Encoder = escapeCharacters ? TemplateEngine.JsonStringEncoder : TemplateEngine.PlainEncoder;
        _extractorNames = [.. extractors.Select(e => e.Name)];

        var usage = TemplateUsage.None;
        foreach (var template in Templates())
        {
            usage |= template.Usage;
        }

        var bodyExtractor = extractors.Any(e => e.FromBody);
        var passthrough = bodyAction == BodyAction.Passthrough;
        NeedsJson = !passthrough && parseAsJson && ((usage & TemplateUsage.JsonBody) != 0 || bodyAction == BodyAction.MergeExtractors);
        ReadsBody = !passthrough && (NeedsJson || (usage & TemplateUsage.RawBody) != 0 || bodyExtractor);
    }

    public Extractor[] Extractors { get; }

    public HeaderTemplate[] Headers { get; }

    public HeaderTemplate[] HeadersToAppend { get; }

    public string[] HeadersToRemove { get; }

    public BodyAction BodyAction { get; }

    public CompiledTemplate? BodyTemplate { get; }

    public bool ParseAsJson { get; }

    public bool IgnoreErrorOnParse { get; }

    public TextEncoder Encoder { get; }

    /// <summary>Bounds a rendered body as the filter's buffers are bounded.</summary>
    public long MaxBodyBytes { get; }

    /// <summary>Some template or extractor reads the body, so it must be buffered first.</summary>
    public bool ReadsBody { get; }

    /// <summary>The body is parsed as JSON (only when something reads a JSON field, unlike Gloo, which always parses).</summary>
    public bool NeedsJson { get; }

    public bool ReplacesBody => BodyAction is BodyAction.Template or BodyAction.MergeExtractors;

    /// <summary>A response transformation that reads or replaces the body holds the response until it is complete.</summary>
    public bool BuffersResponse => ReadsBody || ReplacesBody;

    /// <summary>
    /// Applies the transformation to the request (<paramref name="response"/> false) or to the response. Headers are
    /// changed in place; a new body, if any, is returned for the caller to install.
    /// </summary>
    public TransformError? Apply(ProxyExchange exchange, bool response, BodyContent body, out byte[]? newBody)
    {
        newBody = null;
        JsonDocument? document = null;
        try
        {
            if (NeedsJson && !body.TryParseJson(out document) && !IgnoreErrorOnParse)
            {
                return response
                    ? new TransformError(StatusCodes.Status502BadGateway, "the upstream response body is not valid JSON, and the response transformation parses it (parseBodyBehavior: ParseAsJson)")
                    : new TransformError(StatusCodes.Status400BadRequest, "the request body is not valid JSON, and this route's transformation parses it (parseBodyBehavior: ParseAsJson)");
            }

            var json = document?.RootElement;
            var extractions = Extract(exchange, response, body);
            var context = new TemplateContext(new TemplateScope(exchange, response, _extractorNames, extractions, body, json), TemplateEngine.Options);

            if (BodyAction == BodyAction.Template)
            {
                newBody = Encoding.UTF8.GetBytes(TemplateEngine.Render(BodyTemplate!, context, Encoder, MaxBodyBytes));
            }
            else if (BodyAction == BodyAction.MergeExtractors)
            {
                newBody = MergeExtractions(json, extractions);
            }

            foreach (var header in Headers)
            {
                var value = TemplateEngine.Render(header.Template, context, Encoder, MaxHeaderValueChars);
                var error = response ? SetResponseHeader(exchange.HttpContext.Response, header.Name, value) : SetRequestHeader(exchange, header.Name, value);
                if (error is not null)
                {
                    return error;
                }
            }

            var headers = response ? exchange.HttpContext.Response.Headers : exchange.HttpContext.Request.Headers;
            foreach (var name in HeadersToRemove)
            {
                headers.Remove(name);
            }

            foreach (var header in HeadersToAppend)
            {
                var value = TemplateEngine.Render(header.Template, context, Encoder, MaxHeaderValueChars);
                if (value.Length == 0)
                {
                    continue;
                }

                if (!IsValidHeaderValue(value))
                {
                    return InvalidHeader(response, header.Name);
                }

                headers.Append(header.Name, value);
            }

            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Fluid reports runtime failures (the step limit, a filter misused) as exceptions of many types; whatever a
            // template does wrong fails this one message, as Gloo answers it 400, never the gateway.
            return new TransformError(
                response ? StatusCodes.Status500InternalServerError : StatusCodes.Status400BadRequest,
                $"the {(response ? "response" : "request")} transformation failed: {ex.Message}");
        }
        finally
        {
            document?.Dispose();
        }
    }

    public string Describe()
    {
        var parts = new List<string>();
        if (Extractors.Length > 0)
        {
            parts.Add($"extract {string.Join(", ", Extractors.Select(e => e.Describe()))}");
        }

        if (Headers.Length > 0)
        {
            parts.Add($"set {string.Join(", ", Headers.Select(h => h.Name))}");
        }

        if (HeadersToAppend.Length > 0)
        {
            parts.Add($"append {string.Join(", ", HeadersToAppend.Select(h => h.Name))}");
        }

        if (HeadersToRemove.Length > 0)
        {
            parts.Add($"remove {string.Join(", ", HeadersToRemove)}");
        }

        parts.Add(BodyAction switch
        {
            BodyAction.Template => "body template",
            BodyAction.MergeExtractors => "body merge extractors",
            BodyAction.Passthrough => "body passthrough",
            _ => ReadsBody ? "body read" : "body untouched",
        });
        if (NeedsJson)
        {
            parts.Add(IgnoreErrorOnParse ? "json (errors ignored)" : "json");
        }

        return string.Join("; ", parts);
    }

    /// <summary>Gloo's merge: the parsed body (when it is an object) plus every extraction; <c>a.b</c> nests as <c>{"a":{"b":…}}</c>.</summary>
    private byte[] MergeExtractions(JsonElement? json, string[] extractions)
    {
        var root = json is { ValueKind: JsonValueKind.Object } element ? JsonObject.Create(element)! : [];
        for (var i = 0; i < Extractors.Length; i++)
        {
            var current = root;
            var segments = Extractors[i].Name.Split('.');
            for (var s = 0; s < segments.Length - 1; s++)
            {
                if (current[segments[s]] is not JsonObject next)
                {
                    next = [];
                    current[segments[s]] = next;
                }

                current = next;
            }

            current[segments[^1]] = extractions[i];
        }

        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private string[] Extract(ProxyExchange exchange, bool response, BodyContent body)
    {
        if (Extractors.Length == 0)
        {
            return [];
        }

        var values = new string[Extractors.Length];
        for (var i = 0; i < Extractors.Length; i++)
        {
            var extractor = Extractors[i];
            var source = extractor.Header is null ? body.Text
                : response ? MessageHeaders.Response(exchange.HttpContext.Response, extractor.Header)
                : MessageHeaders.Request(exchange, extractor.Header);
            values[i] = extractor.Extract(source);
        }

        return values;
    }

    private IEnumerable<CompiledTemplate> Templates()
    {
        foreach (var header in Headers)
        {
            yield return header.Template;
        }

        foreach (var header in HeadersToAppend)
        {
            yield return header.Template;
        }

        if (BodyTemplate is not null)
        {
            yield return BodyTemplate;
        }
    }
}
