namespace Sluice.Filters.LoadBalancing;

/// <summary><c>options.lbHash</c> on a route: the hash key consistent-hash load balancers pick the endpoint by.</summary>
internal sealed class LbHashFilterDescriptor : FilterDescriptor<LbHashOptions>
{
    public override string OptionName => "lbHash";

    public override FilterStage Stage => FilterStage.Route;

    /// <summary>Gloo has lbHash on routes only.</summary>
    public override bool AllowedOnVirtualHost => false;

    protected override void Validate(LbHashOptions options, IOptionsDiagnostics diagnostics)
    {
        if (options.HashPolicies.Count == 0)
        {
            diagnostics.Error("hashPolicies", "lbHash needs at least one hash policy (header, cookie or sourceIp)");
        }

        for (var i = 0; i < options.HashPolicies.Count; i++)
        {
            var policy = options.HashPolicies[i];
            var path = $"hashPolicies[{i}]";
            var kinds = (policy.Header is null ? 0 : 1) + (policy.Cookie is null ? 0 : 1) + (policy.SourceIp ? 1 : 0);
            if (kinds != 1)
            {
                diagnostics.Error(path, kinds == 0
                    ? "a hash policy needs one of header, cookie or sourceIp: true"
                    : "a hash policy takes only one of header, cookie or sourceIp; write one policy per key");
            }

            if (policy.Header is { } header && !IsToken(header))
            {
                diagnostics.Error($"{path}.header", $"'{header}' is not a valid header name");
            }

            if (policy.Cookie is { } cookie)
            {
                if (!IsToken(cookie.Name))
                {
                    diagnostics.Error($"{path}.cookie.name", $"'{cookie.Name}' is not a valid cookie name");
                }

                if (cookie.Ttl < TimeSpan.Zero)
                {
                    diagnostics.Error($"{path}.cookie.ttl", "ttl must not be negative (0 makes a session cookie)");
                }

                if (cookie.Path is { } cookiePath && (!cookiePath.StartsWith('/') || cookiePath.AsSpan().ContainsAny(";\r\n\0 ,")))
                {
                    diagnostics.Error($"{path}.cookie.path", $"'{cookiePath}' is not a cookie path like '/'");
                }
            }
        }
    }

    protected override HttpFilter Compile(LbHashOptions options) => new LbHashFilter(options.HashPolicies, Random.Shared);

    private static bool IsToken(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
