using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Sluice.Filters.Wasm.Streams;

/// <summary>A header map as proxy-wasm sees it: lower-case names, pseudo-headers first, one pair per value.</summary>
internal interface IHeaderMap
{
    int Count { get; }

    string? Get(string name);

    void CopyPairs(List<KeyValuePair<string, string>> pairs);

    void Add(string name, string value);

    void Replace(string name, string value);

    void Remove(string name);

    bool IsReadOnly { get; }
}

/// <summary>A map held as a list (an http_call's response, trailers); read-only where the host says so.</summary>
internal sealed class ListHeaderMap(List<KeyValuePair<string, string>> pairs, bool readOnly) : IHeaderMap
{
    public List<KeyValuePair<string, string>> Pairs { get; } = pairs;

    public int Count => Pairs.Count;

    public bool IsReadOnly { get; } = readOnly;

    public string? Get(string name)
    {
        foreach (var (key, value) in Pairs)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    public void CopyPairs(List<KeyValuePair<string, string>> pairs) => pairs.AddRange(Pairs);

    public void Add(string name, string value) => Pairs.Add(new(name, value));

    public void Replace(string name, string value)
    {
        Remove(name);
        Add(name, value);
    }

    public void Remove(string name) => Pairs.RemoveAll(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// The request headers the gateway forwards. <c>:method</c>, <c>:path</c> (path and query as sent upstream),
/// <c>:authority</c> and <c>:scheme</c> map onto the request, so a filter that sets <c>:path</c> rewrites what is
/// forwarded, as in Envoy.
/// </summary>
internal sealed class RequestHeaderMap(ProxyExchange exchange) : IHeaderMap
{
    private readonly HttpRequest _request = exchange.HttpContext.Request;

    public int Count => _request.Headers.Count + (_request.Headers.ContainsKey("Host") ? 3 : 4);

    public bool IsReadOnly => false;

    public string? Get(string name)
    {
        if (name.Length > 0 && name[0] == ':')
        {
            return name switch
            {
                ":method" => _request.Method,
                ":path" => exchange.UpstreamPath + _request.QueryString.Value,
                ":authority" => exchange.UpstreamHost ?? _request.Host.Value,
                ":scheme" => _request.Scheme,
                _ => null,
            };
        }

        if (string.Equals(name, "host", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var values = _request.Headers[name];
        return values.Count == 0 ? null : values[0];
    }

    public void CopyPairs(List<KeyValuePair<string, string>> pairs)
    {
        pairs.Add(new(":authority", exchange.UpstreamHost ?? _request.Host.Value ?? string.Empty));
        pairs.Add(new(":path", exchange.UpstreamPath + _request.QueryString.Value));
        pairs.Add(new(":method", _request.Method));
        pairs.Add(new(":scheme", _request.Scheme));
        foreach (var (name, values) in _request.Headers)
        {
            if (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var lower = name.ToLowerInvariant();
            foreach (var value in values)
            {
                pairs.Add(new(lower, value ?? string.Empty));
            }
        }
    }

    public void Add(string name, string value)
    {
        if (name.Length > 0 && name[0] == ':')
        {
            Replace(name, value);
            return;
        }

        _request.Headers.Append(name, value);
    }

    public void Replace(string name, string value)
    {
        switch (name)
        {
            case ":method":
                _request.Method = value;
                return;
            case ":path":
                var query = value.IndexOf('?', StringComparison.Ordinal);
                exchange.UpstreamPath = query < 0 ? value : value[..query];
                _request.QueryString = query < 0 ? QueryString.Empty : new QueryString(value[query..]);
                return;
            case ":authority":
            case "host":
                exchange.UpstreamHost = value;
                return;
            case ":scheme":
                return;
        }

        _request.Headers[name] = value;
    }

    public void Remove(string name)
    {
        if (name.Length > 0 && name[0] == ':')
        {
            return;
        }

        _request.Headers.Remove(name);
    }
}

/// <summary>The response headers on their way to the client; <c>:status</c> maps onto the status code.</summary>
internal sealed class ResponseHeaderMap(HttpResponse response) : IHeaderMap
{
    public int Count => response.Headers.Count + 1;

    public bool IsReadOnly => response.HasStarted;

    public string? Get(string name)
    {
        if (name == ":status")
        {
            return response.StatusCode.ToString(CultureInfo.InvariantCulture);
        }

        var values = response.Headers[name];
        return values.Count == 0 ? null : values[0];
    }

    public void CopyPairs(List<KeyValuePair<string, string>> pairs)
    {
        pairs.Add(new(":status", response.StatusCode.ToString(CultureInfo.InvariantCulture)));
        foreach (var (name, values) in response.Headers)
        {
            var lower = name.ToLowerInvariant();
            foreach (var value in values)
            {
                pairs.Add(new(lower, value ?? string.Empty));
            }
        }
    }

    public void Add(string name, string value)
    {
        if (name == ":status")
        {
            Replace(name, value);
            return;
        }

        response.Headers.Append(name, value);
    }

    public void Replace(string name, string value)
    {
        if (name == ":status")
        {
            if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status is >= 100 and <= 999)
            {
                response.StatusCode = status;
            }

            return;
        }

        response.Headers[name] = value;
    }

    public void Remove(string name)
    {
        if (name.Length > 0 && name[0] == ':')
        {
            return;
        }

        response.Headers.Remove(name);
    }
}
