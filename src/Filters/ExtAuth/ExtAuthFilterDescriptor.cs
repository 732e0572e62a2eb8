namespace Sluice.Filters.ExtAuth;

/// <summary>
/// <c>options.extauth</c>: attaches an AuthConfig by <c>configRef</c> (resolved at translation time from the snapshot,
/// so rotating a Secret applies at the next snapshot), or <c>disable: true</c> on a route to switch it off there.
/// </summary>
internal sealed class ExtAuthFilterDescriptor : FilterDescriptor<ExtAuthOptions>
{
    public override string OptionName => "extauth";

    public override FilterStage Stage => FilterStage.AuthN;

    protected override void Validate(ExtAuthOptions options, IOptionsDiagnostics diagnostics)
    {
        if (options.Disable == (options.ConfigRef is not null))
        {
            diagnostics.Error(string.Empty, "extauth sets exactly one of configRef or disable: true");
        }
    }

    protected override IEnumerable<ResourceReference> ResourceReferences(ExtAuthOptions options) => options.ConfigRef is { } reference
        ? [new ResourceReference(ReferencedKind.AuthConfig, "configRef", reference.Name, reference.Namespace)]
        : [];

    protected override HttpFilter Compile(ExtAuthOptions options) => Compile(options, FilterCompileContext.Empty);

    protected override HttpFilter Compile(ExtAuthOptions options, FilterCompileContext context)
    {
        if (options.Disable || options.ConfigRef is not { } reference)
        {
            return new NoOpFilter(FilterStage.AuthN, "extauth disabled");
        }

        var ns = string.IsNullOrEmpty(reference.Namespace) ? context.OwnerNamespace : reference.Namespace;
        var name = $"{ns}/{reference.Name}";
        if (!context.TryGetAuthConfig(reference.Name, ns, out var spec))
        {
            return new AuthUnavailableFilter($"AuthConfig {name} is not served");
        }

        var steps = new List<AuthStep>();
        foreach (var step in spec.Configs)
        {
            if (step.ApiKeyAuth is { } apiKey)
            {
                steps.Add(new ApiKeyStep(apiKey, ApiKeySecrets(apiKey, ns, context)));
            }
            else if (step.BasicAuth is { } basic)
            {
                steps.Add(new BasicAuthStep(basic.Realm ?? "gloo", BasicAuthUsers.Collect(basic, ns, context)));
            }
        }

        return steps.Count == 0 ? new AuthUnavailableFilter($"AuthConfig {name} has no usable step") : new AuthConfigFilter(name, [.. steps]);
    }

    private static List<SecretData> ApiKeySecrets(ApiKeyAuthConfig config, string ns, FilterCompileContext context)
    {
        var secrets = new List<SecretData>();
        foreach (var reference in config.ApiKeySecretRefs)
        {
            if (context.TryGetSecret(reference.Name, string.IsNullOrEmpty(reference.Namespace) ? ns : reference.Namespace, out var secret))
            {
                secrets.Add(secret);
            }
        }

        if (config.LabelSelector.Count > 0)
        {
            secrets.AddRange(context.SecretsMatching(config.LabelSelector, ns));
        }

        return secrets;
    }
}
