using Microsoft.AspNetCore.Http;

namespace Sluice.Filters.ExtAuth;

/// <summary>
/// Runs an AuthConfig's steps in order; every step must pass (Gloo's default without a <c>booleanExpr</c>). Runs in
/// AuthN between <c>jwtStaged.beforeExtAuth</c> and <c>afterExtAuth</c>, as Gloo orders its filters.
/// </summary>
internal sealed class AuthConfigFilter(string configName, AuthStep[] steps) : HttpFilter
{
    public override FilterStage Stage => FilterStage.AuthN;

    public override int OrderInStage => 1;

    public override string Describe() => $"extauth {configName}: {string.Join("; ", steps.Select(s => s.Describe()))}";

    public override ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange)
    {
        var request = exchange.HttpContext.Request;
        foreach (var step in steps)
        {
            if (!step.Authenticate(request))
            {
                exchange.ResponseFlags |= ResponseFlags.UnauthorizedExternalService;
                return step.RefuseAsync(exchange.HttpContext);
            }
        }

        return new(FilterVerdict.Continue);
    }
}

/// <summary>
/// The AuthConfig (or a Secret it needs) is not served: every request is refused with 503. Authentication never
/// silently turns into no authentication.
/// </summary>
internal sealed class AuthUnavailableFilter(string reason) : HttpFilter
{
    private static readonly byte[] Body = "authentication is unavailable for this route\n"u8.ToArray();

    public override FilterStage Stage => FilterStage.AuthN;

    public override int OrderInStage => 1;

    public override string Describe() => $"extauth unavailable ({reason}): refuses every request with 503";

    public override ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange) =>
        LocalResponse.WriteAsync(exchange.HttpContext, StatusCodes.Status503ServiceUnavailable, Body);
}
