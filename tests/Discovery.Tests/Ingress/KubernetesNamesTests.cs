using Sluice.Discovery.Kubernetes;

namespace Sluice.Discovery.Tests.Ingress;

/// <summary>Discovered Upstream names must be Gloo's byte for byte, or references written for Gloo stop resolving.</summary>
public sealed class KubernetesNamesTests
{
    [Theory]
    [InlineData("default", "petstore", 8080, "default-petstore-8080")]
    [InlineData("My_Namespace", "Svc.V1", 80, "my-namespace-svc-v1-80")]
    [InlineData("shop", "api", 443, "shop-api-443")]

    // Past 63 characters: the first 31, '-', the MD5 (of the name before lower-casing), cut at 63. Expected value
    // computed independently: python3 hashlib.md5(name).hexdigest().
    [InlineData("default", "a-very-long-service-name-that-goes-past-the-limit-of-kubernetes", 8080, "default-a-very-long-service-nam-0e3439709a8bbffe090468c0df05c19")]
    public void UpstreamName_IsGloos(string ns, string service, int port, string expected)
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
