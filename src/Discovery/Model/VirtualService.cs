using Sluice.Filters;

namespace Sluice.Discovery.Model;

public sealed record VirtualService : Resource
{
    public required VirtualServiceSpec Spec { get; init; }
}

[GlooUnsupported(DiagnosticSeverity.Warning, "displayName")]
public sealed record VirtualServiceSpec
{
    [RequiredField]
    public VirtualHost VirtualHost { get; init; } = new();

    public SslConfig? SslConfig { get; init; }
}

public sealed record VirtualHost
{
    /// <summary>Empty means <c>*</c>, as in Gloo.</summary>
    public IReadOnlyList<string> Domains { get; init; } = [];

    /// <summary>The domains this virtual host serves: <c>*</c> when none are listed, as in Gloo.</summary>
    public IReadOnlyList<string> EffectiveDomains => Domains.Count == 0 ? AnyDomain : Domains;

    public IReadOnlyList<Route> Routes { get; init; } = [];

    public OptionSet Options { get; init; } = OptionSet.Empty;

    private static readonly IReadOnlyList<string> AnyDomain = ["*"];
}
