namespace Sluice.Filters.Rbac;

/// <summary><c>options.rbac</c>: authorization on verified JWT claims, in the AuthZ stage (after JWT validation).</summary>
internal sealed class RbacFilterDescriptor : FilterDescriptor<RbacOptions>
{
    public override string OptionName => "rbac";

    public override FilterStage Stage => FilterStage.AuthZ;

    protected override void Validate(RbacOptions options, IOptionsDiagnostics diagnostics)
    {
        if (!options.Disable && options.Policies.Count == 0)
        {
            diagnostics.Warning("policies", "no policies: every request is denied (403); set disable: true to switch rbac off here");
        }

        foreach (var (name, policy) in options.Policies)
        {
            if (policy.Principals.Count == 0)
            {
                diagnostics.Warning($"policies.{name}.principals", "a policy without principals never matches");
            }

            if (policy.Permissions?.PathPrefix is { Length: > 0 } prefix && prefix[0] != '/')
            {
                diagnostics.Error($"policies.{name}.permissions.pathPrefix", "pathPrefix must start with '/'");
            }

            for (var i = 0; i < policy.Principals.Count; i++)
            {
                var principal = policy.Principals[i].JwtPrincipal;
                if (principal.Matcher == ClaimMatcher.BOOLEAN)
                {
                    foreach (var (claim, value) in principal.Claims)
                    {
                        if (value is not ("true" or "false"))
                        {
                            diagnostics.Error($"policies.{name}.principals[{i}].jwtPrincipal.claims.{claim}", "with matcher BOOLEAN the value must be \"true\" or \"false\"");
                        }
                    }
                }
            }
        }
    }

    protected override HttpFilter Compile(RbacOptions options) =>
        options.Disable ? new NoOpFilter(FilterStage.AuthZ, "rbac disabled") : new RbacFilter([.. options.Policies]);
}
