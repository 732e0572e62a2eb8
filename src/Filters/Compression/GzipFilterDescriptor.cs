namespace Sluice.Filters.Compression;

/// <summary>
/// <c>options.gzip</c>: response compression with Gloo's gzip fields, plus brotli as a Sluice extension. Gloo
/// accepts it in a Gateway's <c>httpGateway.options</c> only; Sluice also on virtual hosts, routes and destinations,
/// where the most specific layer wins as with every option.
/// </summary>
internal sealed class GzipFilterDescriptor : FilterDescriptor<GzipOptions>
{
    /// <summary>Gloo's validation: <c>content_type</c> has at most 50 items.</summary>
    public const int MaxContentTypes = 50;

    public override string OptionName => "gzip";

    public override FilterStage Stage => FilterStage.Transform;

    protected override void Validate(GzipOptions options, IOptionsDiagnostics diagnostics)
    {
        if (options.ContentLength is < CompressionPolicy.DefaultMinimumLength)
        {
            diagnostics.Error("contentLength", $"contentLength must be at least {CompressionPolicy.DefaultMinimumLength} bytes (as in Gloo: smaller bodies only grow when compressed), got {options.ContentLength}");
        }

        if (options.MemoryLevel is { } memoryLevel)
        {
            if (memoryLevel is < 1 or > 9)
            {
                diagnostics.Error("memoryLevel", $"memoryLevel must be between 1 and 9, got {memoryLevel}");
            }
            else
            {
                diagnostics.Warning("memoryLevel", "memoryLevel is accepted but ignored: Sluice's zlib always uses memory level 8");
            }
        }

        if (options.WindowBits is { } windowBits)
        {
            if (windowBits is < 9 or > 15)
            {
                diagnostics.Error("windowBits", $"windowBits must be between 9 and 15, got {windowBits}");
            }
            else
            {
                diagnostics.Warning("windowBits", "windowBits is accepted but ignored: Sluice's zlib always uses a 32 KiB window (15 bits)");
            }
        }

        if (options.ContentType.Count > MaxContentTypes)
        {
            diagnostics.Error("contentType", $"contentType lists {options.ContentType.Count} media types; the limit is {MaxContentTypes}");
        }

        for (var i = 0; i < options.ContentType.Count; i++)
        {
            if (!IsMediaType(options.ContentType[i]))
            {
                diagnostics.Error($"contentType[{i}]", $"'{options.ContentType[i]}' is not a media type; write it as type/subtype without parameters, like 'application/json'");
            }
        }

        if (options.Disabled && (options.Brotli || options.ContentType.Count > 0 || options.ContentLength is not null))
        {
            diagnostics.Warning("disabled", "disabled is true, so the other gzip settings here have no effect");
        }
    }

    protected override HttpFilter Compile(GzipOptions options) =>
        options.Disabled ? new CompressionDisabledFilter() : new CompressionFilter(new CompressionPolicy(options));

    /// <summary><c>type/subtype</c> with token characters only: no parameters, no spaces, no wildcard.</summary>
    internal static bool IsMediaType(string value)
    {
        var slash = value.IndexOf('/');
        return slash > 0 && slash < value.Length - 1 && value.IndexOf('/', slash + 1) < 0 && IsToken(value.AsSpan(0, slash)) && IsToken(value.AsSpan(slash + 1));
    }

    private static bool IsToken(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && "!#$%&'+-.^_`|~".IndexOf(c) < 0)
            {
                return false;
            }
        }

        return true;
    }
}
