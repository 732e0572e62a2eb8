using Sluice.Discovery.Model;
using Sluice.Filters;

namespace Sluice.Discovery.Validation;

/// <summary>Checks one route list (of a VirtualService or a RouteTable) on its own: matchers, one action, shadowing.</summary>
internal static class RouteValidator
{
    private static readonly HashSet<string> KnownMethods = new(StringComparer.Ordinal)
    {
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
    };

    public static void ValidateRoutes(IReadOnlyList<Route> routes, string path, ResourceDiagnostics diagnostics)
    {
        for (var i = 0; i < routes.Count; i++)
        {
            ValidateRoute(routes[i], $"{path}[{i}]", diagnostics);
        }

        WarnAboutShadowedRoutes(routes, path, diagnostics);
    }

    private static void ValidateRoute(Route route, string path, ResourceDiagnostics diagnostics)
    {
        RefuseListenerSettings(route.Options, $"{path}.options", diagnostics);
        for (var m = 0; m < route.Matchers.Count; m++)
        {
            ValidateMatcher(route.Matchers[m], $"{path}.matchers[{m}]", diagnostics);
        }

        var actions = (route.RouteAction is null ? 0 : 1) + (route.RedirectAction is null ? 0 : 1)
            + (route.DirectResponseAction is null ? 0 : 1) + (route.DelegateAction is null ? 0 : 1);
        if (actions != 1)
        {
            diagnostics.Error(path, actions == 0
                ? "a route needs one action: routeAction, redirectAction, directResponseAction or delegateAction"
                : "a route takes exactly one of routeAction, redirectAction, directResponseAction and delegateAction");
            return;
        }

        if (route.RouteAction is { } routeAction)
        {
            ValidateRouteAction(routeAction, $"{path}.routeAction", diagnostics);
        }
        else if (route.RedirectAction is { } redirect)
        {
            ValidateRedirect(redirect, $"{path}.redirectAction", diagnostics);
        }
        else if (route.DirectResponseAction is { } direct)
        {
            if (direct.Status is < 200 or > 599)
            {
                diagnostics.Error($"{path}.directResponseAction.status", $"status must be between 200 and 599, got {direct.Status}");
            }
        }
        else if (route.DelegateAction is { } delegation)
        {
            ValidateDelegation(route, delegation, path, diagnostics);
        }
    }

    private static void ValidateMatcher(Matcher matcher, string path, ResourceDiagnostics diagnostics)
    {
        var pathConditions = (matcher.Prefix is null ? 0 : 1) + (matcher.Exact is null ? 0 : 1) + (matcher.Regex is null ? 0 : 1);
        if (pathConditions > 1)
        {
            diagnostics.Error(path, "a matcher takes at most one of prefix, exact and regex");
        }

        if (matcher.Prefix is { } prefix && !prefix.StartsWith('/'))
        {
            diagnostics.Error($"{path}.prefix", $"prefix '{prefix}' must start with '/'");
        }

        if (matcher.Exact is { } exact && !exact.StartsWith('/'))
        {
            diagnostics.Error($"{path}.exact", $"exact path '{exact}' must start with '/'");
        }

        if (matcher.Regex is { } regex && !LinearRegex.TryCreate(regex, matcher.CaseSensitive ?? true, wholeString: true, out _, out var regexError))
        {
            diagnostics.Error($"{path}.regex", regexError);
        }

        for (var h = 0; h < matcher.Headers.Count; h++)
        {
            var header = matcher.Headers[h];
            var headerPath = $"{path}.headers[{h}]";
            if (header.Name.Length == 0 || header.Name.AsSpan().ContainsAny(" :\r\n\0"))
            {
                diagnostics.Error($"{headerPath}.name", $"'{header.Name}' is not a valid header name");
            }

            if (header.Regex && !LinearRegex.TryCreate(header.Value ?? string.Empty, caseSensitive: true, wholeString: true, out _, out var error))
            {
                diagnostics.Error($"{headerPath}.value", error);
            }
        }

        for (var q = 0; q < matcher.QueryParameters.Count; q++)
        {
            var query = matcher.QueryParameters[q];
            var queryPath = $"{path}.queryParameters[{q}]";
            if (query.Name.Length == 0)
            {
                diagnostics.Error($"{queryPath}.name", "a query parameter matcher needs a name");
            }

            if (query.Regex && !LinearRegex.TryCreate(query.Value ?? string.Empty, caseSensitive: true, wholeString: true, out _, out var error))
            {
                diagnostics.Error($"{queryPath}.value", error);
            }
        }

        for (var i = 0; i < matcher.Methods.Count; i++)
        {
            var method = matcher.Methods[i];
            if (!KnownMethods.Contains(method))
            {
                var upper = method.ToUpperInvariant();
                diagnostics.Error($"{path}.methods[{i}]", KnownMethods.Contains(upper)
                    ? $"method '{method}' must be written in upper case ('{upper}'): methods are matched exactly"
                    : $"'{method}' is not an HTTP method");
            }
        }
    }

    private static void ValidateRouteAction(RouteAction action, string path, ResourceDiagnostics diagnostics)
    {
        var kinds = (action.Single is null ? 0 : 1) + (action.Multi is null ? 0 : 1) + (action.UpstreamGroup is null ? 0 : 1);
        if (kinds != 1)
        {
            diagnostics.Error(path, "routeAction takes exactly one of single, multi and upstreamGroup");
            return;
        }

        if (action.Single is { } single && single.Upstream is null)
        {
            diagnostics.Error($"{path}.single", "a destination needs 'upstream' (a reference by name and namespace)");
        }

        if (action.Multi is { } multi)
        {
            ValidateWeightedDestinations(multi.Destinations, $"{path}.multi.destinations", diagnostics);
        }
    }

    /// <summary>Listener settings (e.g. httpConnectionManagerSettings) belong to a Gateway, never to a route.</summary>
    internal static void RefuseListenerSettings(OptionSet options, string path, ResourceDiagnostics diagnostics)
    {
        foreach (var name in options.Values.Keys)
        {
            if (FilterRegistry.Default.TryGet(name, out var descriptor) && descriptor.IsListenerSetting)
            {
                diagnostics.Error($"{path}.{name}", $"'{name}' is a listener setting; set it in a Gateway's httpGateway.options");
            }
        }
    }

    internal static void ValidateWeightedDestinations(IReadOnlyList<WeightedDestination> destinations, string path, ResourceDiagnostics diagnostics)
    {
        if (destinations.Count == 0)
        {
            diagnostics.Error(path, "at least one destination is required");
            return;
        }

        ulong total = 0;
        for (var i = 0; i < destinations.Count; i++)
        {
            total += destinations[i].Weight;
            RefuseListenerSettings(destinations[i].Options, $"{path}[{i}].options", diagnostics);
            if (destinations[i].Destination.Upstream is null)
            {
                diagnostics.Error($"{path}[{i}].destination", "a destination needs 'upstream' (a reference by name and namespace)");
            }
        }

        if (total == 0)
        {
            diagnostics.Error(path, "the destinations' weights add up to 0; give at least one a positive weight");
        }
    }

    private static void ValidateRedirect(RedirectAction redirect, string path, ResourceDiagnostics diagnostics)
    {
        if (redirect.PathRedirect is not null && redirect.PrefixRewrite is not null)
        {
            diagnostics.Error(path, "redirectAction takes at most one of pathRedirect and prefixRewrite");
        }

        if (redirect.PathRedirect is { } target && !target.StartsWith('/'))
        {
            diagnostics.Error($"{path}.pathRedirect", $"pathRedirect '{target}' must start with '/'");
        }

        if (redirect.PrefixRewrite is { } prefix && prefix.Length > 0 && !prefix.StartsWith('/'))
        {
            diagnostics.Error($"{path}.prefixRewrite", $"prefixRewrite '{prefix}' must start with '/'");
        }

        if (redirect.HostRedirect is { } host && (host.Length == 0 || host.AsSpan().ContainsAny("/\\?#@ \r\n\0")))
        {
            // A host with '/', '@' or '\' could turn the Location into another origin or a path: an open redirect.
            diagnostics.Error($"{path}.hostRedirect", $"hostRedirect '{host}' is not a plain host name");
        }

        if (redirect.PortRedirect is { } port && port is 0 or > 65535)
        {
            diagnostics.Error($"{path}.portRedirect", $"portRedirect must be between 1 and 65535, got {port}");
        }

        foreach (var value in new[] { redirect.PathRedirect, redirect.PrefixRewrite })
        {
            if (value is not null && HeaderValueRules.ContainsForbiddenCharacter(value))
            {
                diagnostics.Error(path, "redirect values must not contain CR, LF or NUL");
            }
        }
    }

    private static void ValidateDelegation(Route route, DelegateAction delegation, string path, ResourceDiagnostics diagnostics)
    {
        var forms = (delegation.Ref is null ? 0 : 1) + (delegation.Name is null ? 0 : 1) + (delegation.Selector is null ? 0 : 1);
        if (forms != 1)
        {
            diagnostics.Error($"{path}.delegateAction", "delegateAction takes exactly one of ref, selector, or the legacy name/namespace");
        }

        if (delegation.Selector is { } selector)
        {
            ValidateExpressions(selector.Expressions, $"{path}.delegateAction.selector.expressions", diagnostics);
        }

        // Gloo: a delegating route matches with a path prefix only; the children refine it.
        for (var m = 0; m < route.Matchers.Count; m++)
        {
            var matcher = route.Matchers[m];
            if (matcher.Exact is not null || matcher.Regex is not null)
            {
                diagnostics.Error($"{path}.matchers[{m}]", "a route with delegateAction must match with a prefix (or no path condition); exact and regex are for the child routes");
            }
        }
    }

    /// <summary>A misspelled operator would make the selector silently match nothing.</summary>
    internal static void ValidateExpressions(IReadOnlyList<LabelExpression> expressions, string path, ResourceDiagnostics diagnostics)
    {
        for (var i = 0; i < expressions.Count; i++)
        {
            if (!Graph.LabelSelector.IsKnownOperator(expressions[i].Operator))
            {
                diagnostics.Error($"{path}[{i}].operator",
                    $"unknown operator '{expressions[i].Operator}'; use Equals, NotEquals, In, NotIn, Exists, DoesNotExist, GreaterThan or LessThan");
            }
        }
    }

    /// <summary>
    /// A route is shadowed when every one of its matchers is covered by a plain path matcher of an earlier route:
    /// first match wins, so it can never be chosen. Only the certain cases are reported.
    /// </summary>
    private static void WarnAboutShadowedRoutes(IReadOnlyList<Route> routes, string path, ResourceDiagnostics diagnostics)
    {
        for (var later = 1; later < routes.Count; later++)
        {
            var laterMatchers = routes[later].EffectiveMatchers;
            for (var earlier = 0; earlier < later; earlier++)
            {
                var earlierMatchers = routes[earlier].EffectiveMatchers;
                if (laterMatchers.All(candidate => earlierMatchers.Any(cover => Covers(cover, candidate))))
                {
                    diagnostics.Warning($"{path}[{later}]",
                        $"this route can never match: route {earlier}{Label(routes[earlier])} comes first and matches every request it would");
                    break;
                }
            }
        }
    }

    private static string Label(Route route) => route.Name is null ? string.Empty : $" ('{route.Name}')";

    private static bool Covers(Matcher cover, Matcher candidate)
    {
        if (cover.Headers.Count > 0 || cover.QueryParameters.Count > 0 || cover.Methods.Count > 0 || cover.Regex is not null)
        {
            return false;
        }

        var coverCaseSensitive = cover.CaseSensitive ?? true;
        var candidateCaseSensitive = candidate.CaseSensitive ?? true;
        if (!coverCaseSensitive && candidateCaseSensitive)
        {
            // An insensitive cover matches strictly more, so it still covers; compare insensitively.
            return CoversPath(cover, candidate, StringComparison.OrdinalIgnoreCase);
        }

        return coverCaseSensitive == candidateCaseSensitive && CoversPath(cover, candidate, StringComparison.Ordinal);
    }

    private static bool CoversPath(Matcher cover, Matcher candidate, StringComparison comparison)
    {
        if (candidate.Regex is not null)
        {
            return cover.Exact is null && (cover.Prefix ?? "/") == "/";
        }

        var coverPrefix = cover.Exact is null ? cover.Prefix ?? "/" : null;
        var candidatePath = candidate.Exact ?? candidate.Prefix ?? "/";
        if (coverPrefix is not null)
        {
            return candidatePath.StartsWith(coverPrefix, comparison);
        }

        return candidate.Exact is not null && string.Equals(cover.Exact, candidate.Exact, comparison);
    }
}
