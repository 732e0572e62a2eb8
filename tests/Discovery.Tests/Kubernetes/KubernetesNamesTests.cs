using Sluice.Discovery.Kubernetes;

namespace Sluice.Discovery.Tests.Kubernetes;

public sealed class KubernetesNamesTests
{
    [Theory]
    [InlineData("default", "petstore", 8080, "default-petstore-8080")]
    [InlineData("Shop", "Web_API", 80, "shop-web-api-80")]
    [InlineData("ns", "svc.v2", 443, "ns-svc-v2-443")]

    // Past 63 characters: the first 31, '-', the MD5 of the sanitized name (before lower-casing), cut to 63 (Gloo's SanitizeNameV2).
    [InlineData("Team_A.Production-namespace-with-a-long-name", "checkout-service", 8443, "team-a-production-namespace-wit-eb51a6410a2da7ad62f12f4dbb1cb69")]
    public void UpstreamName_MatchesGloo(string ns, string service, int port, string expected)
    {
        var name = KubernetesNames.UpstreamName(ns, service, port);

        Assert.Equal(expected, name);
        Assert.True(name.Length <= 63);
    }
}
