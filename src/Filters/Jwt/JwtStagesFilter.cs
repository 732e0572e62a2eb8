namespace Sluice.Filters.Jwt;

/// <summary>Both <c>jwtStaged</c> stages set: the before-extauth one runs first and both must pass.</summary>
internal sealed class JwtStagesFilter(JwtFilter before, JwtFilter after) : HttpFilter
{
    public override FilterStage Stage => FilterStage.AuthN;

    public override int OrderInStage => before.OrderInStage;

    public override string Describe() => $"{before.Describe()}; {after.Describe()}";

    public override async ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange) =>
        await before.OnRequestAsync(exchange).ConfigureAwait(false) == FilterVerdict.Handled
            ? FilterVerdict.Handled
            : await after.OnRequestAsync(exchange).ConfigureAwait(false);
}
