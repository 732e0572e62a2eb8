namespace Sluice.Filters.ExtAuth;

/// <summary>What can be checked on an AuthConfig alone, and the Secrets it names (checked across resources).</summary>
public static class AuthConfigSpecValidator
{
    public static void Validate(AuthConfigSpec spec, IOptionsDiagnostics diagnostics)
    {
        if (spec.Configs.Count == 0)
        {
            diagnostics.Error("configs", "configs must list at least one step (apiKeyAuth or basicAuth)");
        }

        for (var i = 0; i < spec.Configs.Count; i++)
        {
            var step = spec.Configs[i];
            var path = $"configs[{i}]";
            var kinds = (step.ApiKeyAuth is null ? 0 : 1) + (step.BasicAuth is null ? 0 : 1);
            if (kinds != 1)
            {
                diagnostics.Error(path, "each step sets exactly one of apiKeyAuth or basicAuth");
                continue;
            }

            if (step.ApiKeyAuth is { } apiKey)
            {
                ValidateApiKey(apiKey, $"{path}.apiKeyAuth", diagnostics);
            }

            if (step.BasicAuth is { } basic)
            {
                ValidateBasic(basic, $"{path}.basicAuth", diagnostics);
            }
        }
    }

    public static IEnumerable<ResourceReference> SecretReferences(AuthConfigSpec spec)
    {
        for (var i = 0; i < spec.Configs.Count; i++)
        {
            var step = spec.Configs[i];
            var refs = step.ApiKeyAuth?.ApiKeySecretRefs ?? step.BasicAuth?.UserSecretRefs ?? [];
            var field = step.ApiKeyAuth is not null ? "apiKeyAuth.apiKeySecretRefs" : "basicAuth.userSecretRefs";
            for (var r = 0; r < refs.Count; r++)
            {
                yield return new ResourceReference(ReferencedKind.Secret, $"configs[{i}].{field}[{r}]", refs[r].Name, refs[r].Namespace);
            }
        }
    }

    private static void ValidateApiKey(ApiKeyAuthConfig apiKey, string path, IOptionsDiagnostics diagnostics)
    {
        if (apiKey.ApiKeySecretRefs.Count == 0 && apiKey.LabelSelector.Count == 0)
        {
            diagnostics.Error(path, "apiKeyAuth needs apiKeySecretRefs or a labelSelector to find its keys");
        }

        if (apiKey.HeaderName is { } headerName && !HeaderManipulation.HeaderNameRules.IsToken(headerName))
        {
            diagnostics.Error($"{path}.headerName", $"'{headerName}' is not a valid header name");
        }

        foreach (var (header, _) in apiKey.HeadersFromMetadataEntry)
        {
            if (HeaderManipulation.HeaderNameRules.Problem(header) is { } problem)
            {
                diagnostics.Error($"{path}.headersFromMetadataEntry.{header}", problem);
            }
        }
    }

    private static void ValidateBasic(BasicAuthConfig basic, string path, IOptionsDiagnostics diagnostics)
    {
        var users = basic.Apr?.Users.Count ?? 0;
        if (users == 0 && basic.UserSecretRefs.Count == 0 && basic.HtpasswdFile is null)
        {
            diagnostics.Error(path, "basicAuth needs users: apr.users, userSecretRefs or htpasswdFile");
        }

        if (basic.Realm is { } realm && realm.AsSpan().ContainsAny("\"\r\n\\"))
        {
            diagnostics.Error($"{path}.realm", "realm must not contain quotes, backslashes or line breaks");
        }

        foreach (var (user, hashed) in basic.Apr?.Users ?? new Dictionary<string, SaltedHashedPassword>())
        {
            // The message names the user, never the salt or hash.
            if (user.Length == 0 || user.Contains(':'))
            {
                diagnostics.Error($"{path}.apr.users", "a user name must be non-empty and must not contain ':'");
            }

            if (!Apr1.IsWellFormed(hashed.Salt, hashed.HashedPassword))
            {
                diagnostics.Error($"{path}.apr.users.{user}", $"user '{user}': salt must be 1-8 characters and hashedPassword 22 characters of the apr1 alphabet ([./0-9A-Za-z]), as htpasswd -m writes them");
            }
        }

        if (basic.HtpasswdFile is { Length: 0 })
        {
            diagnostics.Error($"{path}.htpasswdFile", "htpasswdFile must be a path");
        }
    }
}
