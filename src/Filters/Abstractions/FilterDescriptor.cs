namespace Sluice.Filters;

/// <summary>
/// Describes one filter: its YAML option name (Gloo's field name under <c>options</c>), the type its slice of
/// the schema binds to, its stage, how its options are validated and how they compile into a runtime filter.
/// </summary>
public abstract class FilterDescriptor
{
    /// <summary>The field name under a route's or virtual host's <c>options</c>, e.g. <c>prefixRewrite</c>.</summary>
    public abstract string OptionName { get; }

    /// <summary>The type the option's YAML binds to (a record, a string, a <see cref="TimeSpan"/>...).</summary>
    public abstract Type OptionsType { get; }

    public abstract FilterStage Stage { get; }

    /// <summary>Whether the option may be set on a virtual host (otherwise only on routes).</summary>
    public virtual bool AllowedOnVirtualHost => true;

    /// <summary>A listener setting (only in a Gateway's <c>httpGateway.options</c>), never compiled into a chain.</summary>
    public virtual bool IsListenerSetting => false;

    /// <summary>Checks what the type system cannot: ranges, regexes, header values.</summary>
    public virtual void Validate(object options, IOptionsDiagnostics diagnostics)
    {
    }

    /// <summary>Builds the runtime filter; called once per snapshot per route, never on the request path.</summary>
    public abstract HttpFilter Compile(object options);

    /// <summary>Upstreams the options name, so that cross-resource validation can check they exist.</summary>
    public virtual IEnumerable<UpstreamReference> UpstreamReferences(object options) => [];
}

/// <summary>An upstream named inside a filter's options; <see cref="RelativePath"/> is relative to the option.</summary>
public readonly record struct UpstreamReference(string RelativePath, string Name, string? Namespace);

/// <summary>A descriptor with a typed options record, so filters never cast.</summary>
public abstract class FilterDescriptor<TOptions> : FilterDescriptor
    where TOptions : notnull
{
    public sealed override Type OptionsType => typeof(TOptions);

    public sealed override void Validate(object options, IOptionsDiagnostics diagnostics) =>
        Validate((TOptions)options, diagnostics);

    public sealed override HttpFilter Compile(object options) => Compile((TOptions)options);

    public sealed override IEnumerable<UpstreamReference> UpstreamReferences(object options) => UpstreamReferences((TOptions)options);

    protected virtual IEnumerable<UpstreamReference> UpstreamReferences(TOptions options) => [];

    protected virtual void Validate(TOptions options, IOptionsDiagnostics diagnostics)
    {
    }

    protected abstract HttpFilter Compile(TOptions options);
}
