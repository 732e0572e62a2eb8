using System.Collections.Frozen;
using Sluice.Filters.Rewrite;
using Sluice.Filters.Timeout;
using Sluice.Filters.Transformation;

namespace Sluice.Filters;

/// <summary>
/// Every filter Sluice knows, by option name. Adding a filter is one folder plus one line here.
/// </summary>
public sealed class FilterRegistry
{
    private readonly FrozenDictionary<string, FilterDescriptor> _byOptionName;

    public FilterRegistry(IEnumerable<FilterDescriptor> descriptors)
    {
        _byOptionName = descriptors.ToFrozenDictionary(d => d.OptionName, StringComparer.Ordinal);
    }

    public static FilterRegistry Default { get; } = new(
    [
        new PrefixRewriteFilterDescriptor(),
        new RegexRewriteFilterDescriptor(),
        new HostRewriteFilterDescriptor(),
        new TimeoutFilterDescriptor(),
        new TransformationsFilterDescriptor(),
        new StagedTransformationsFilterDescriptor(),
        new Compression.GzipFilterDescriptor(),
        new BufferLimits.BufferFilterDescriptor(),
        new BufferLimits.BufferPerRouteFilterDescriptor(),
        new HeaderManipulation.HeaderManipulationFilterDescriptor(),
        new Cors.CorsFilterDescriptor(),
        new LoadBalancing.LbHashFilterDescriptor(),
        new Retry.RetryFilterDescriptor(),
        new Retry.IncludeAttemptCountInResponseFilterDescriptor(),
        new Retry.IncludeAttemptCountInResponseFilterDescriptor(Retry.IncludeAttemptCountInResponseFilterDescriptor.AliasName),
        new Retry.IncludeRequestAttemptCountFilterDescriptor(),
        new Fault.FaultFilterDescriptor(),
        new Shadowing.ShadowingFilterDescriptor(),
        new Listener.HttpConnectionManagerSettingsDescriptor(),
        new Jwt.JwtStagedFilterDescriptor(),
        new Jwt.JwtFilterDescriptor(),
        new Rbac.RbacFilterDescriptor(),
        new ExtAuth.ExtAuthFilterDescriptor(),
        new RateLimit.LocalRateLimitFilterDescriptor(),
        new AccessLog.AccessLogRouteFilterDescriptor(),
        new Wasm.WasmFilterDescriptor(),
    ]);

    public IEnumerable<string> OptionNames => _byOptionName.Keys;

    public bool TryGet(string optionName, out FilterDescriptor descriptor) =>
        _byOptionName.TryGetValue(optionName, out descriptor!);
}
