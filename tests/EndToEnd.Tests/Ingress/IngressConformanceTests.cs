namespace Sluice.EndToEnd.Tests.Ingress;

/// <summary>
/// The Kubernetes ingress-controller conformance features, from the data files under Ingress/Conformance, against
/// the real gateway with real echo backends, twice: serving files, and as an ingress controller reading Services,
/// EndpointSlices, IngressClasses, Ingresses and Secrets from the in-process API server. Every scenario of a
/// feature runs; all mismatches are reported together.
/// </summary>
public sealed class IngressConformanceTests
{
    public static TheoryData<string> Features() => [.. ConformanceFeature.Names()];

    [Theory]
    [MemberData(nameof(Features))]
    public async Task Feature_PassesFromFiles(string feature)
    {
        var loaded = ConformanceFeature.Load(feature);
        Assert.NotEmpty(loaded.Scenarios);
        await using var environment = await FileIngressEnvironment.StartAsync();

        var failures = await ConformanceRunner.RunAsync(loaded, environment);

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Theory]
    [MemberData(nameof(Features))]
    public async Task Feature_PassesThroughTheKubernetesApi(string feature)
    {
        var loaded = ConformanceFeature.Load(feature);
        await using var environment = await ApiServerIngressEnvironment.StartAsync();

        var failures = await ConformanceRunner.RunAsync(loaded, environment);

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void EveryFeatureOfTheSuiteIsPorted() =>
        Assert.Equal(["default_backend", "host_rules", "ingress_class", "load_balancing", "path_rules", "tls"], ConformanceFeature.Names());
}
