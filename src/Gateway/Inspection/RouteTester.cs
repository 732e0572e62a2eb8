using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Sluice.Filters;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Routing;

namespace Sluice.Gateway.Inspection;

/// <summary>
/// Answers "what happens to this request" with the data plane's own code: <see cref="PathNormalizer"/>,
/// <see cref="VirtualHostTable.Find"/>, <see cref="CompiledVirtualHost.MatchFrom"/>, the route's compiled filters and
/// the upstream's current endpoint selection. Only filters whose whole effect is on the request being built are run;
/// the others (fault injection, body transformations, anything with state such as rate limits) are listed, not run,
/// so testing a route never changes what the gateway does.
/// </summary>
internal static class RouteTester
{
    /// <summary>Filters that only shape the upstream request or set per-request policy: safe to run on a fake request.</summary>
    private static readonly HashSet<string> Simulated = new(StringComparer.Ordinal)
    {
        "headerManipulation", "prefixRewrite", "regexRewrite", "hostRewrite", "timeout", "retries", "lbHash",
        "includeRequestAttemptCount", "includeAttemptCountInResponse", "cors",
    };

    /// <summary>
    /// The client address route test assumes (TEST-NET-1, RFC 5737): there is no real client, and a documentation
    /// address in X-Forwarded-For is recognizable as one.
    /// </summary>
    public static readonly System.Net.IPAddress AssumedClient = System.Net.IPAddress.Parse("192.0.2.1");

    public static async Task<RouteTestReport> TestAsync(CompiledConfig config, RouteTestRequest test)
    {
        if (!Uri.TryCreate(test.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return new RouteTestReport { Outcome = "error", Error = $"'{test.Url}' is not an absolute http:// or https:// URL" };
        }

        var ssl = url.Scheme == Uri.UriSchemeHttps;
        var listener = PickListener(config, url, ssl);
        if (listener is null)
        {
            var known = string.Join(", ", config.Listeners.Values.OrderBy(l => l.Port).Select(l => $"{(l.Ssl ? "https" : "http")}:{l.Port}"));
            return new RouteTestReport { Outcome = "error", Error = $"no {(ssl ? "https" : "http")} listener on port {url.Port}; listeners: {(known.Length == 0 ? "none" : known)}" };
        }

        var context = BuildContext(test, url, listener, out var headerError);
        if (headerError is not null)
        {
            return new RouteTestReport { Outcome = "error", Error = headerError };
        }

        var request = context.Request;
        var listenerName = $"{listener.Name} {(listener.Ssl ? "https" : "http")}:{listener.Port}";

        // The data plane's own door: guard, escaped slashes, normalization.
        var settings = listener.Settings;
        switch (RequestDoor.Enter(context, settings, out var path, out var refusal, out var redirectTo))
        {
            case DoorVerdict.Refuse:
                return new RouteTestReport { Outcome = $"400 bad request: {Encoding.UTF8.GetString(refusal!).Trim()}", Listener = listenerName };
            case DoorVerdict.Redirect:
                return new RouteTestReport { Outcome = $"307 redirect to {redirectTo} (the listener unescapes slashes and redirects)", Listener = listenerName, ResponseHeaders = [$"location: {redirectTo}"] };
        }

        var virtualHost = listener.Hosts.Find(request.Host.Value ?? string.Empty, listener.Port);
        if (virtualHost is null)
        {
            return new RouteTestReport { Outcome = $"404 no route: no virtual host serves '{request.Host.Value}'", Listener = listenerName, Path = path };
        }

        var route = virtualHost.MatchFrom(request, path, 0, out var matchedLength, out var index);
        if (route is null)
        {
            return new RouteTestReport { Outcome = "404 no route: no route of the virtual host matches", Listener = listenerName, Path = path, VirtualHost = virtualHost.Name };
        }

        var next = virtualHost.MatchFrom(request, path, index + 1, out _, out var nextIndex);
        var forward = route.Target as ForwardTarget;

        // With several weighted destinations the data plane picks one per request; the heaviest is shown.
        var destination = forward?.Clusters.OrderByDescending(c => c.Weight).First();
        var chain = destination?.Filters ?? route.Filters;
        var chainOptions = destination?.Filters is not null ? destination.FilterOptions : route.FilterOptions;
        var exchange = new ProxyExchange(context, path, route.Name)
        {
            MatchedPathLength = matchedLength,
            Chain = chain,
            VirtualHostName = virtualHost.Name,
            UpstreamName = destination?.Cluster.Name,
            ClientAddress = ClientAddress.Resolve(context, settings),
            ForwardedFor = ClientAddress.Forwarded(context, settings),
            ForwardedProto = ClientAddress.ForwardedProto(context, settings),
        };
        context.Features.Set(exchange);

        var simulated = new List<SimulatedFilter>();
        string? handled = null;
        for (var i = 0; i < chain.Length; i++)
        {
            var filter = chain[i];
            var option = i < chainOptions.Length ? chainOptions[i] : "?";
            if (handled is not null)
            {
                simulated.Add(new SimulatedFilter(filter.Stage.ToString(), option, filter.Describe(), "not reached"));
                continue;
            }

            if (!Simulated.Contains(option))
            {
                simulated.Add(new SimulatedFilter(filter.Stage.ToString(), option, filter.Describe(), "would run (not simulated: it has effects beyond this request or needs its body)"));
                continue;
            }

            var verdict = await filter.OnRequestAsync(exchange).ConfigureAwait(false);
            if (verdict == FilterVerdict.Handled)
            {
                handled = $"{context.Response.StatusCode} answered by {option}";
                simulated.Add(new SimulatedFilter(filter.Stage.ToString(), option, filter.Describe(), $"answers the request itself ({context.Response.StatusCode})"));
            }
            else
            {
                simulated.Add(new SimulatedFilter(filter.Stage.ToString(), option, filter.Describe(), "ran"));
            }
        }

        var report = new RouteTestReport
        {
            Outcome = "?",
            Listener = listenerName,
            Path = path,
            VirtualHost = virtualHost.Name,
            Route = route.Name,
            RouteKey = $"{virtualHost.Name}/{index}",
            RouteDefinedAt = route.Provenance,
            MatchedBy = MatchedCondition(route, request, path),
            NextRoute = next?.Name,
            NextRouteKey = next is null ? null : $"{virtualHost.Name}/{nextIndex}",
            Action = ConfigInspector.Action(route.Target),
            Filters = simulated,
        };

        if (handled is not null)
        {
            return report with { Outcome = handled, ResponseHeaders = Headers(context.Response.Headers) };
        }

        switch (route.Target)
        {
            case DirectResponseTarget direct:
                return report with { Outcome = $"{direct.Status} direct response ({direct.Body.Length} bytes)" };
            case RedirectTarget redirect:
                var location = RedirectLocation.Build(redirect.Action, request, path, matchedLength, listener.Ssl);
                return report with { Outcome = $"{redirect.Status} redirect to {location}", ResponseHeaders = [$"location: {location}"] };
        }

        var cluster = destination!.Cluster;
        var upstreamPath = exchange.UpstreamPath + request.QueryString.Value;
        var upstreamHost = exchange.UpstreamHost ?? request.Host.Value ?? string.Empty;
        // As ForwardingTransformer sends them: the client's X-Forwarded-* replaced by what the listener decided.
        var headers = Headers(request.Headers)
            .Where(h => !h.StartsWith("host:", StringComparison.Ordinal) && !h.StartsWith("x-forwarded-for:", StringComparison.Ordinal) && !h.StartsWith("x-forwarded-proto:", StringComparison.Ordinal))
            .ToList();
        if (exchange.ForwardedFor is { } forwardedFor)
        {
            headers.Add($"x-forwarded-for: {forwardedFor}");
        }

        headers.Add($"x-forwarded-proto: {exchange.ForwardedProto}");
        return report with
        {
            Outcome = cluster.Endpoints.Length == 0 ? $"503 no healthy upstream: {cluster.Name} has no endpoints" : $"forwarded to {cluster.Name}",
            Upstream = forward!.Clusters.Length == 1 ? cluster.Name : $"{cluster.Name} (weight {destination.Weight} of {forward.Clusters.Sum(c => (long)c.Weight)}; others: {string.Join(", ", forward.Clusters.Where(c => c != destination).Select(c => $"{c.Cluster.Name} weight {c.Weight}"))})",
            Endpoint = Endpoint(cluster, exchange),
            UpstreamPath = upstreamPath,
            UpstreamHost = upstreamHost,
            UpstreamHeaders = headers,
        };
    }

    private static CompiledListener? PickListener(CompiledConfig config, Uri url, bool ssl)
    {
        if (config.Listeners.TryGetValue(url.Port, out var byPort) && byPort.Ssl == ssl)
        {
            return byPort;
        }

        // A URL without a port (80/443) most likely means "the listener of that scheme" behind a load balancer.
        var sameScheme = config.Listeners.Values.Where(l => l.Ssl == ssl).OrderBy(l => l.Port).ToList();
        return url.IsDefaultPort && sameScheme.Count == 1 ? sameScheme[0] : null;
    }

    private static DefaultHttpContext BuildContext(RouteTestRequest test, Uri url, CompiledListener listener, out string? error)
    {
        error = null;
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        var request = context.Request;
        request.Method = test.Method.ToUpperInvariant();
        request.Scheme = url.Scheme;
        request.Protocol = "HTTP/1.1";
        request.Host = new HostString(url.Authority);
        request.Path = new PathString(DecodeLikeKestrel(url.AbsolutePath));
        request.QueryString = new QueryString(url.Query);
        context.Connection.LocalPort = listener.Port;
        context.Connection.RemoteIpAddress = AssumedClient;
        foreach (var header in test.Headers)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                error = $"header '{header}' is not 'name: value'";
                return context;
            }

            var name = header[..colon].Trim();
            var value = header[(colon + 1)..].Trim();
            if (name.Equals("host", StringComparison.OrdinalIgnoreCase))
            {
                request.Host = new HostString(value);
            }
            else
            {
                request.Headers.Append(name, value);
            }
        }

        return context;
    }

    /// <summary>Kestrel decodes percent-escapes in the path except <c>%2F</c>, which the normalizer then refuses.</summary>
    private static string DecodeLikeKestrel(string escaped)
    {
        var parts = escaped.Split("%2F", StringSplitOptions.None);
        var builder = new StringBuilder();
        for (var i = 0; i < parts.Length; i++)
        {
            var segments = parts[i].Split("%2f");
            builder.Append(string.Join("%2f", segments.Select(Uri.UnescapeDataString)));
            if (i < parts.Length - 1)
            {
                builder.Append("%2F");
            }
        }

        return builder.ToString();
    }

    private static string? MatchedCondition(CompiledRoute route, HttpRequest request, string path) =>
        route.Conditions.FirstOrDefault(c => c.Matches(request, path, out _))?.Describe();

    private static string Endpoint(UpstreamCluster cluster, ProxyExchange exchange)
    {
        if (cluster.Endpoints.Length == 0)
        {
            return "none";
        }

        var selection = cluster.CurrentSelection();
        if (selection.Candidates.Length == 0)
        {
            return "none available (all ejected or unhealthy)";
        }

        if (selection.Candidates.Length == 1)
        {
            return selection.Candidates[0].Address;
        }

        // Hash-based balancers are a pure function of the request's hash; the others decide per request.
        if (exchange.HashKey is not null && cluster.LoadBalancer.Name is "ringHash" or "maglev")
        {
            return $"{cluster.LoadBalancer.Pick(selection, exchange, avoid: null).Address} ({cluster.LoadBalancer.Name} on the request's hash)";
        }

        return $"one of {string.Join(", ", selection.Candidates.Select(c => c.Address))} ({cluster.LoadBalancer.Name}{(selection.Panic ? ", panic mode: too few healthy" : string.Empty)})";
    }

    private static List<string> Headers(IHeaderDictionary headers) =>
        [.. headers.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase).Select(h => $"{h.Key.ToLowerInvariant()}: {h.Value}")];
}
