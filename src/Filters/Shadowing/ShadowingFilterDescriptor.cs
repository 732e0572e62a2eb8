using System.Globalization;

namespace Sluice.Filters.Shadowing;

/// <summary>
/// <c>options.shadowing</c>: mirror a share of a route's requests to another Upstream, fire and forget, as Envoy's
/// request mirror policy. The copy never delays or changes the client's response. The referenced Upstream is resolved
/// when a request is mirrored; this option cannot see other resources, so whether it exists is checked across resources.
/// </summary>
internal sealed class ShadowingFilterDescriptor(Random random) : FilterDescriptor<ShadowingOptions>
{
    public ShadowingFilterDescriptor()
        : this(Random.Shared)
    {
    }

    public override string OptionName => "shadowing";

    protected override IEnumerable<UpstreamReference> UpstreamReferences(ShadowingOptions options) =>
        [new UpstreamReference("upstream", options.Upstream.Name, options.Upstream.Namespace)];

    public override FilterStage Stage => FilterStage.Route;

    public override bool AllowedOnVirtualHost => false;

    protected override void Validate(ShadowingOptions options, IOptionsDiagnostics diagnostics)
    {
        if (options.Upstream.Name.Length == 0)
        {
            diagnostics.Error("upstream.name", "upstream.name must name the Upstream that receives the copies");
        }

        if (double.IsNaN(options.Percentage) || options.Percentage < 0 || options.Percentage > 100)
        {
            diagnostics.Error("percentage", $"percentage must be between 0 and 100, got {options.Percentage}");
        }
        else if (options.Percentage == 0)
        {
            diagnostics.Warning("percentage", "percentage is 0 (Gloo's default when it is left out), so no request is mirrored");
        }
    }

    protected override HttpFilter Compile(ShadowingOptions options) =>
        new ShadowingFilter(new ShadowPolicy(options.Upstream.Name, options.Upstream.Namespace), options.Percentage, random);
}

/// <summary>Rolls the dice per request and, when they say so, asks the forwarding path to mirror the request.</summary>
internal sealed class ShadowingFilter(ShadowPolicy policy, double percentage, Random random) : HttpFilter
{
    public override FilterStage Stage => FilterStage.Route;

    public ShadowPolicy Policy { get; } = policy;

    public override string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"shadowing {Policy.Namespace ?? "(virtual service's namespace)"}/{Policy.Name} at {percentage}%");

    public override ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange)
    {
        // NextDouble is in [0, 1): 100 always mirrors, 0 never does.
        exchange.Shadow = random.NextDouble() * 100 < percentage ? Policy : null;
        return new(FilterVerdict.Continue);
    }
}
