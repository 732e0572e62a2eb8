using Sluice.Discovery.Kubernetes;

namespace Sluice.Discovery.Tests.Kubernetes;

/// <summary>Discovered Upstream names must be Gloo's byte for byte, or references written for Gloo stop resolving.</summary>
public sealed class KubernetesNamesTests
{
    [Theory]
    [InlineData("default", "petstore", 8080, "default-petstore-8080")]
    [InlineData("Shop", "Web_API", 80, "shop-web-api-80")]
    [InlineData("ns", "svc.v2", 443, "ns-svc-v2-443")]
    [InlineData("My_Namespace", "Svc.V1", 80, "my-namespace-svc-v1-80")]

    // Past 63 characters: the first 31, '-', the MD5 of the sanitized name (before lower-casing), cut to 63 (Gloo's
    // SanitizeNameV2). Expected values computed independently: python3 hashlib.md5(name).hexdigest().
    [InlineData("Team_A.Production-namespace-with-a-long-name", "checkout-service", 8443, "team-a-production-namespace-wit-eb51a6410a2da7ad62f12f4dbb1cb69")]
    [InlineData("default", "a-very-long-service-name-that-goes-past-the-limit-of-kubernetes", 8080, "default-a-very-long-service-nam-0e3439709a8bbffe090468c0df05c19")]
    public void UpstreamName_MatchesGloo(string ns, string service, int port, string expected)
    {
        var name = KubernetesNames.UpstreamName(ns, service, port);

        Assert.Equal(expected, name);
        Assert.True(name.Length <= 63);
    }

    [Theory]
    [InlineData("a*b/c.d:e_f g", "a-b-c-d-e-f-g")]
    [InlineData("[x]\"y'\n", "xy")]
    public void SanitizeName_ReplacesLikeSanitizeNameV2(string raw, string expected) =>
        Assert.Equal(expected, KubernetesNames.SanitizeName(raw));
}
