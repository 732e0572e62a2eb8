namespace Sluice.Filters.HeaderManipulation;

/// <summary>
/// <c>options.headerManipulation</c>: Gloo's header additions and removals, on the virtual host, a route, a weighted
/// destination or a Gateway's <c>httpGateway.options</c>. The most specific one wins whole, as every option does in
/// Sluice (Gloo hands each level to Envoy, which applies the route's and the virtual host's mutations both).
/// </summary>
internal sealed class HeaderManipulationFilterDescriptor : FilterDescriptor<HeaderManipulationOptions>
{
    public override string OptionName => "headerManipulation";

    public override FilterStage Stage => FilterStage.Transform;

    protected override void Validate(HeaderManipulationOptions options, IOptionsDiagnostics diagnostics)
    {
        for (var i = 0; i < options.RequestHeadersToAdd.Count; i++)
        {
            var option = options.RequestHeadersToAdd[i];
            var path = $"requestHeadersToAdd[{i}]";
            if (option.HeaderSecretRef is not null)
            {
                diagnostics.Error($"{path}.headerSecretRef",
                    "Gloo field 'headerSecretRef' is not supported by Sluice yet; write the value under 'header' or the resource cannot be served as written");
            }
            else if (option.Header is null)
            {
                diagnostics.Error(path, "missing required field 'header' (a key and a value)");
            }

            if (option.Header is { } header)
            {
                ValidateHeader($"{path}.header", header, diagnostics);
            }
        }

        ValidateRemovals("requestHeadersToRemove", options.RequestHeadersToRemove, diagnostics);
        for (var i = 0; i < options.ResponseHeadersToAdd.Count; i++)
        {
            ValidateHeader($"responseHeadersToAdd[{i}].header", options.ResponseHeadersToAdd[i].Header, diagnostics);
        }

        ValidateRemovals("responseHeadersToRemove", options.ResponseHeadersToRemove, diagnostics);
    }

    protected override HttpFilter Compile(HeaderManipulationOptions options)
    {
        var requestAdditions = new List<HeaderAddition>(options.RequestHeadersToAdd.Count);
        foreach (var option in options.RequestHeadersToAdd)
        {
            requestAdditions.Add(Addition(option.Header!, option.Append));
        }

        var responseAdditions = new List<HeaderAddition>(options.ResponseHeadersToAdd.Count);
        foreach (var option in options.ResponseHeadersToAdd)
        {
            responseAdditions.Add(Addition(option.Header, option.Append));
        }

        return new HeaderManipulationFilter(
            new HeaderEdits(options.RequestHeadersToRemove, requestAdditions, valuesReadTheseHeaders: true),
            new HeaderEdits(options.ResponseHeadersToRemove, responseAdditions, valuesReadTheseHeaders: false));
    }

    /// <summary>Why <paramref name="value"/> cannot be a header value, or null when it can.</summary>
    internal static string? ValueProblem(string value)
    {
        if (HeaderValueRules.ContainsForbiddenCharacter(value))
        {
            return "header value must not contain CR, LF or NUL (they would let a value inject headers)";
        }

        foreach (var c in value)
        {
            if (c != '\t' && (c < ' ' || c > '~'))
            {
                return $"header value contains the character U+{(int)c:X4}; only printable ASCII and tab are allowed (Kestrel and HttpClient refuse others)";
            }
        }

        return null;
    }

    private static void ValidateHeader(string path, HeaderValue header, IOptionsDiagnostics diagnostics)
    {
        if (HeaderNameRules.Problem(header.Key) is { } nameProblem)
        {
            diagnostics.Error($"{path}.key", nameProblem);
        }

        if (ValueProblem(header.Value) is { } valueProblem)
        {
            diagnostics.Error($"{path}.value", valueProblem);
        }
        else if (!HeaderValueTemplate.TryParse(header.Value, out var template, out var error))
        {
            diagnostics.Error($"{path}.value", error);
        }
        else if (template.Constant is { Length: 0 })
        {
            diagnostics.Warning($"{path}.value", $"an empty value is never added (Envoy skips empty header values), so '{header.Key}' is left as it is");
        }
    }

    private static void ValidateRemovals(string path, IReadOnlyList<string> names, IOptionsDiagnostics diagnostics)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (HeaderNameRules.Problem(names[i]) is { } problem)
            {
                diagnostics.Error($"{path}[{i}]", problem);
            }
        }
    }

    private static HeaderAddition Addition(HeaderValue header, bool append)
    {
        if (!HeaderValueTemplate.TryParse(header.Value, out var template, out var error))
        {
            throw new InvalidOperationException($"headerManipulation value for '{header.Key}' was not validated: {error}");
        }

        return new HeaderAddition(header.Key, template, append);
    }
}
