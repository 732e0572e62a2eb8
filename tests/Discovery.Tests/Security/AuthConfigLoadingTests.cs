using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests.Security;

public sealed class AuthConfigLoadingTests
{
    [Theory]
    [InlineData("enterprise.gloo.solo.io/v1")]
    [InlineData("gateway.sluice.dev/v1")]
    public void AuthConfig_LoadsFromGlooAndSluiceApiVersions(string apiVersion)
    {
        var config = Yaml.LoadOne<AuthConfig>($$"""
            apiVersion: {{apiVersion}}
            kind: AuthConfig
            metadata: {name: keys, namespace: shop}
            spec:
              configs:
                - apiKeyAuth:
                    labelSelector: {team: infra}
                - basicAuth:
                    realm: gloo
                    apr:
                      users:
                        user: {salt: TYiryv0/, hashedPassword: 8BvzLUO9IfGPGGsPnAgSu1}
            """);

        Assert.Equal(2, config.Spec.Configs.Count);
        Assert.Equal("infra", config.Spec.Configs[0].ApiKeyAuth!.LabelSelector["team"]);
        DiagnosticAssert.Empty(ResourceValidator(config));
    }

    [Fact]
    public void MalformedAprHash_IsAnErrorThatNamesTheUserNotTheHash()
    {
        var diagnostics = Yaml.Validate("""
            apiVersion: gateway.sluice.dev/v1
            kind: AuthConfig
            metadata: {name: basic}
            spec:
              configs:
                - basicAuth:
                    apr:
                      users:
                        admin: {salt: TYiryv0/, hashedPassword: not-a-hash}
            """);

        var diagnostic = DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "configs[0].basicAuth.apr.users.admin", 9, 20, "user 'admin'");
        Assert.DoesNotContain("not-a-hash", diagnostic.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TYiryv0", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StepWithTwoKinds_AndUnsupportedKinds_AreErrors()
    {
        var twoKinds = Yaml.Validate("""
            apiVersion: gateway.sluice.dev/v1
            kind: AuthConfig
            metadata: {name: both}
            spec:
              configs:
                - apiKeyAuth: {apiKeySecretRefs: [{name: k}]}
                  basicAuth: {apr: {users: {u: {salt: TYiryv0/, hashedPassword: 8BvzLUO9IfGPGGsPnAgSu1}}}}
            """);
        DiagnosticAssert.Single(twoKinds, DiagnosticSeverity.Error, "configs[0]", 6, 7, "exactly one of apiKeyAuth or basicAuth");

        var oauth = Yaml.LoadDocument("""
            apiVersion: enterprise.gloo.solo.io/v1
            kind: AuthConfig
            metadata: {name: oidc}
            spec:
              configs:
                - oauth2: {oidcAuthorizationCode: {appUrl: https://x}}
            """);
        Assert.Null(oauth.Resource);
        DiagnosticAssert.Single(oauth.Diagnostics, DiagnosticSeverity.Error, "configs[0].oauth2", 6, 7, "Gloo field 'oauth2' is not supported by Sluice yet");
    }

    [Fact]
    public void ExtauthReference_ToAMissingAuthConfig_RejectsTheVirtualService_AndAMissingSecretRejectsTheAuthConfig()
    {
        var problems = Yaml.CrossValidate("""
            apiVersion: gateway.sluice.dev/v1
            kind: VirtualService
            metadata: {name: shop}
            spec:
              virtualHost:
                options:
                  extauth: {configRef: {name: nope}}
                routes:
                  - directResponseAction: {status: 200}
            ---
            apiVersion: gateway.sluice.dev/v1
            kind: AuthConfig
            metadata: {name: keys}
            spec:
              configs:
                - apiKeyAuth: {apiKeySecretRefs: [{name: gone, namespace: vault}]}
            """);

        Assert.Equal(2, problems.Count);
        var vs = Assert.Single(problems, p => p.Id.Kind == ResourceKind.VirtualService);
        Assert.Equal("virtualHost.options.extauth.configRef", vs.Diagnostic.FieldPath);
        Assert.Contains("AuthConfig default/nope does not exist", vs.Diagnostic.Message, StringComparison.Ordinal);
        var auth = Assert.Single(problems, p => p.Id.Kind == ResourceKind.AuthConfig);
        Assert.Equal("configs[0].apiKeyAuth.apiKeySecretRefs[0]", auth.Diagnostic.FieldPath);
        Assert.Contains("Secret vault/gone does not exist", auth.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JwtOptions_ValidateKeySourcesAndHeaders()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: shop}
            spec:
              virtualHost:
                options:
                  jwtStaged:
                    beforeExtAuth:
                      providers:
                        bad-key:
                          issuer: https://issuer.test
                          jwks: {local: {key: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"}}
                        entra:
                          entra: {tenant: "contoso.onmicrosoft.com/evil"}
                          claimsToHeaders: [{claim: sub, header: "host"}]
                routes:
                  - directResponseAction: {status: 200}
            """);

        Assert.Null(document.Resource);
        var errors = document.Diagnostics.Where(d => d.IsError).Select(d => d.FieldPath).ToList();
        Assert.Contains("virtualHost.options.jwtStaged.beforeExtAuth.providers.bad-key.jwks.local.key", errors);
        Assert.Contains("virtualHost.options.jwtStaged.beforeExtAuth.providers.entra.entra.tenant", errors);
        Assert.Contains("virtualHost.options.jwtStaged.beforeExtAuth.providers.entra.claimsToHeaders[0].header", errors);
    }

    private static IReadOnlyList<Diagnostic> ResourceValidator(Resource resource) => Sluice.Discovery.Validation.ResourceValidator.Validate(resource);
}
