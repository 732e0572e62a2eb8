using Microsoft.AspNetCore.Http;

namespace Sluice.Filters.HeaderManipulation;

/// <summary>One header to add: its name, its parsed value, and whether it is appended or overwrites.</summary>
internal sealed record HeaderAddition(string Name, HeaderValueTemplate Value, bool Append);

/// <summary>
/// The compiled edits for one header map (the request's or the response's), applied as Envoy's header parser
/// does: removals first, then every value evaluated, then overwrites, then appends. A value that evaluates to
/// empty is not added, as Envoy skips empty values.
/// </summary>
internal sealed class HeaderEdits
{
    private readonly string[] _removals;
    private readonly HeaderAddition[] _additions;
    private readonly bool _evaluateBeforeApplying;

    /// <param name="additions">In configuration order; the overwrites are moved first here, as Envoy applies them.</param>
    /// <param name="valuesReadTheseHeaders">
    /// True for request edits, whose <c>%REQ(...)%</c> values read the same map: if one reads a header that another
    /// entry adds, every value is evaluated before any is applied, so each sees the request as it arrived.
    /// </param>
    public HeaderEdits(IReadOnlyList<string> removals, IReadOnlyList<HeaderAddition> additions, bool valuesReadTheseHeaders)
    {
        _removals = [.. removals];
        var ordered = new List<HeaderAddition>(additions.Count);
        foreach (var addition in additions)
        {
            if (!addition.Append)
            {
                ordered.Add(addition);
            }
        }

        foreach (var addition in additions)
        {
            if (addition.Append)
            {
                ordered.Add(addition);
            }
        }

        _additions = [.. ordered];
        if (valuesReadTheseHeaders)
        {
            foreach (var reader in _additions)
            {
                foreach (var written in _additions)
                {
                    _evaluateBeforeApplying |= reader.Value.ReadsRequestHeader(written.Name);
                }
            }
        }
    }

    public bool IsEmpty => _removals.Length == 0 && _additions.Length == 0;

    public IReadOnlyList<string> Removals => _removals;

    public IReadOnlyList<HeaderAddition> Additions => _additions;

    public void Apply(IHeaderDictionary headers, ProxyExchange exchange)
    {
        foreach (var name in _removals)
        {
            headers.Remove(name);
        }

        if (_evaluateBeforeApplying)
        {
            ApplyEvaluatedFirst(headers, exchange);
            return;
        }

        foreach (var addition in _additions)
        {
            Set(headers, addition, addition.Value.Evaluate(exchange));
        }
    }

    private void ApplyEvaluatedFirst(IHeaderDictionary headers, ProxyExchange exchange)
    {
        var values = new string[_additions.Length];
        for (var i = 0; i < _additions.Length; i++)
        {
            values[i] = _additions[i].Value.Evaluate(exchange);
        }

        for (var i = 0; i < _additions.Length; i++)
        {
            Set(headers, _additions[i], values[i]);
        }
    }

    private static void Set(IHeaderDictionary headers, HeaderAddition addition, string value)
    {
        if (value.Length == 0)
        {
            return;
        }

        if (addition.Append)
        {
            headers.Append(addition.Name, value);
        }
        else
        {
            headers[addition.Name] = value;
        }
    }
}
