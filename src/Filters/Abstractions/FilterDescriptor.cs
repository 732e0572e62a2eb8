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

    /// <summary>
    /// Builds the runtime filter with what the snapshot holds beside the options: the AuthConfigs and Secrets they
    /// reference and long-lived state that must outlive a reload (rate-limit buckets, JWKS caches).
    /// </summary>
    public virtual HttpFilter Compile(object options, FilterCompileContext context) => Compile(options);

    /// <summary>
    /// The runtime filters of one option; most options compile to one. An option holding several filters that each
    /// pick their own stage (<c>wasm.filters</c>) compiles to one per entry.
    /// </summary>
    public virtual IEnumerable<HttpFilter> CompileAll(object options, FilterCompileContext context) => [Compile(options, context)];

    /// <summary>
    /// Files the options load (a Wasm module): the config watcher reloads when one changes, so a new version of the
    /// file is validated and applied like an edit of the YAML that names it.
    /// </summary>
    public virtual IEnumerable<string> ReferencedFiles(object options) => [];

    /// <summary>Upstreams the options name, so that cross-resource validation can check they exist.</summary>
    public virtual IEnumerable<UpstreamReference> UpstreamReferences(object options) => [];

    /// <summary>AuthConfigs and Secrets the options name; a missing one rejects the resource that names it.</summary>
    public virtual IEnumerable<ResourceReference> ResourceReferences(object options) => [];

    /// <summary>
    /// Combines an outer layer's value (virtual host) with an inner one (route) when the inner one does not simply
    /// replace it, as Gloo's route-level <c>jwtStaged</c> only switches off the virtual host's providers. The default
    /// is Gloo's merge: the most specific layer wins. A merged value resolves its references in the outer layer's
    /// namespace, so a merge may only take switches, not references, from the inner value.
    /// </summary>
    public virtual object Merge(object outer, object inner) => inner;
}

/// <summary>An upstream named inside a filter's options; <see cref="RelativePath"/> is relative to the option.</summary>
public readonly record struct UpstreamReference(string RelativePath, string Name, string? Namespace);

/// <summary>The kinds of resources, other than Upstreams, a filter's options may reference by name.</summary>
public enum ReferencedKind
{
    AuthConfig,
    Secret,
}

/// <summary>A resource named inside a filter's options; a null <see cref="Namespace"/> means the referrer's.</summary>
public readonly record struct ResourceReference(ReferencedKind Kind, string RelativePath, string Name, string? Namespace);

/// <summary>A descriptor with a typed options record, so filters never cast.</summary>
public abstract class FilterDescriptor<TOptions> : FilterDescriptor
    where TOptions : notnull
{
    public sealed override Type OptionsType => typeof(TOptions);

    public sealed override void Validate(object options, IOptionsDiagnostics diagnostics) =>
        Validate((TOptions)options, diagnostics);

    public sealed override HttpFilter Compile(object options) => Compile((TOptions)options);

    public sealed override HttpFilter Compile(object options, FilterCompileContext context) => Compile((TOptions)options, context);

    public sealed override IEnumerable<UpstreamReference> UpstreamReferences(object options) => UpstreamReferences((TOptions)options);

    public sealed override IEnumerable<ResourceReference> ResourceReferences(object options) => ResourceReferences((TOptions)options);

    public sealed override object Merge(object outer, object inner) => Merge((TOptions)outer, (TOptions)inner);

    protected virtual IEnumerable<UpstreamReference> UpstreamReferences(TOptions options) => [];

    protected virtual IEnumerable<ResourceReference> ResourceReferences(TOptions options) => [];

    protected virtual TOptions Merge(TOptions outer, TOptions inner) => inner;

    protected virtual HttpFilter Compile(TOptions options, FilterCompileContext context) => Compile(options);

    protected virtual void Validate(TOptions options, IOptionsDiagnostics diagnostics)
    {
    }

    protected abstract HttpFilter Compile(TOptions options);
}
