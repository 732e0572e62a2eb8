using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Fluid;
using Fluid.Values;
using Microsoft.Extensions.FileProviders;

namespace Sluice.Filters.Transformation;

/// <summary>
/// Liquid (Fluid) in place of Gloo's Inja. Function calls are enabled so Inja's <c>header("x")</c> spelling parses
/// as is; <c>header</c>, <c>request_header</c> and <c>extraction</c> are also filters (<c>"x" | header</c>).
/// Templates are parsed when the configuration loads; rendering never parses.
/// </summary>
internal static class TemplateEngine
{
    /// <summary>Bounds the work one render may do (loops over a large JSON array included).</summary>
    public const int MaxSteps = 200_000;

    private static readonly FluidParser Parser = new(new FluidParserOptions { AllowFunctions = true });

    public static TemplateOptions Options { get; } = CreateOptions();

    /// <summary>Inja's <c>escapeCharacters</c>: output is escaped as inside a JSON string (quotes, backslashes, control characters).</summary>
    public static TextEncoder JsonStringEncoder { get; } = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static TextEncoder PlainEncoder { get; } = NullEncoder.Default;

    public static bool TryParse(string text, IReadOnlySet<string> extractorNames, [NotNullWhen(true)] out CompiledTemplate? template, [NotNullWhen(false)] out string? error)
    {
        template = null;
        if (!Parser.TryParse(text, out var parsed, out var parseError))
        {
            // Fluid appends the whole source after its message; the message already says where ("at (1:7)").
            var message = parseError ?? "invalid template";
            var cut = message.IndexOf('\n', StringComparison.Ordinal);
            error = "invalid Liquid template: " + (cut > 0 ? message[..cut].TrimEnd() : message);
            return false;
        }

        var usage = TemplateUsageAnalyzer.Analyze(parsed, extractorNames, out var refused);
        if (refused is not null)
        {
            error = refused;
            return false;
        }

        template = new CompiledTemplate(parsed, usage, text);
        error = null;
        return true;
    }

    /// <summary>
    /// Renders into a bounded writer: a loop over a client's JSON array that prints the body each time must fail the
    /// message, not exhaust the gateway's memory. Values are synchronous, so rendering completes synchronously.
    /// </summary>
    public static string Render(CompiledTemplate template, TemplateContext context, TextEncoder encoder, long maxChars)
    {
        using var writer = new BoundedStringWriter(maxChars);
        context.EnterChildScope();
        try
        {
            var pending = template.Template.RenderAsync(writer, encoder, context);
            if (!pending.IsCompletedSuccessfully)
            {
                pending.AsTask().GetAwaiter().GetResult();
            }
        }
        finally
        {
            context.ReleaseScope();
        }

        return writer.ToString();
    }

    private static TemplateOptions CreateOptions()
    {
        var options = new TemplateOptions
        {
            MaxSteps = MaxSteps,
            MaxRecursion = 16,
            FileProvider = new NullFileProvider(),
            CultureInfo = CultureInfo.InvariantCulture,
        };
        options.Filters.AddFilter(TemplateScope.HeaderName, static (input, _, context) =>
            StringValue.Create(context.Model is TemplateScope scope ? scope.Header(input.ToStringValue()) : string.Empty));
        options.Filters.AddFilter(TemplateScope.RequestHeaderName, static (input, _, context) =>
            StringValue.Create(context.Model is TemplateScope scope ? scope.RequestHeader(input.ToStringValue()) : string.Empty));
        options.Filters.AddFilter(TemplateScope.ExtractionName, static (input, _, context) =>
            StringValue.Create(context.Model is TemplateScope scope ? scope.Extraction(input.ToStringValue()) : string.Empty));
        return options;
    }
}

/// <summary>A parsed template and what it reads; immutable and shared by every request.</summary>
internal sealed class CompiledTemplate(IFluidTemplate template, TemplateUsage usage, string source)
{
    public IFluidTemplate Template { get; } = template;

    public TemplateUsage Usage { get; } = usage;

    public string Source { get; } = source;
}

/// <summary>A string writer that refuses to grow past a limit.</summary>
internal sealed class BoundedStringWriter(long maxChars) : StringWriter(CultureInfo.InvariantCulture)
{
    public override void Write(char value)
    {
        Check(1);
        base.Write(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        Check(count);
        base.Write(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        Check(buffer.Length);
        base.Write(buffer);
    }

    public override void Write(string? value)
    {
        Check(value?.Length ?? 0);
        base.Write(value);
    }

    public override void Write(StringBuilder? value)
    {
        Check(value?.Length ?? 0);
        base.Write(value);
    }

    public override Task WriteAsync(char value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(char[] buffer, int index, int count)
    {
        Write(buffer, index, count);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return Task.CompletedTask;
    }

    private void Check(int adding)
    {
        if (GetStringBuilder().Length + (long)adding > maxChars)
        {
            throw new InvalidOperationException($"the rendered template would exceed {maxChars} characters");
        }
    }
}
