using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Sluice.EndToEnd.Tests.Ingress;

/// <summary>
/// One feature of the Kubernetes ingress-controller conformance suite, as data: the Services it needs, the manifests
/// it applies, the TLS Secrets to generate, and the requests with what must come back. Nothing here knows where
/// the Ingresses come from; an <see cref="IIngressEnvironment"/> applies them (files now, the API server later).
/// </summary>
public sealed class ConformanceFeature
{
    public string Feature { get; set; } = string.Empty;

    public List<ConformanceService> Services { get; set; } = [];

    public List<ConformanceTlsSecret> TlsSecrets { get; set; } = [];

    public string Manifests { get; set; } = string.Empty;

    public List<ConformanceScenario> Scenarios { get; set; } = [];

    public static IEnumerable<string> Names() =>
        Directory.EnumerateFiles(Folder, "*.yaml").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    public static ConformanceFeature Load(string name)
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
        return deserializer.Deserialize<ConformanceFeature>(File.ReadAllText(Path.Combine(Folder, name + ".yaml")));
    }

    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Ingress", "Conformance");
}

/// <summary>A Service: every replica is a real echo backend on loopback answering as <c>name#replica</c>.</summary>
public sealed class ConformanceService
{
    public string Name { get; set; } = string.Empty;

    public string Namespace { get; set; } = "default";

    public int Replicas { get; set; } = 1;

    public List<ConformanceServicePort> Ports { get; set; } = [];
}

public sealed class ConformanceServicePort
{
    public string? Name { get; set; }

    public int Port { get; set; }
}

/// <summary>A <c>kubernetes.io/tls</c> Secret signed by the test's own CA for <see cref="Hosts"/>.</summary>
public sealed class ConformanceTlsSecret
{
    public string Name { get; set; } = string.Empty;

    public List<string> Hosts { get; set; } = [];
}

public sealed class ConformanceScenario
{
    public string Name { get; set; } = string.Empty;

    public string Method { get; set; } = "GET";

    public string Url { get; set; } = string.Empty;

    /// <summary>The TLS server name to send when it differs from the URL's host.</summary>
    public string? Sni { get; set; }

    public int Repeat { get; set; } = 1;

    public ConformanceExpectation Expect { get; set; } = new();
}

public sealed class ConformanceExpectation
{
    public int? Status { get; set; }

    /// <summary>The Service whose endpoint answered.</summary>
    public string? Service { get; set; }

    /// <summary>What the backend saw.</summary>
    public string? Path { get; set; }

    public string? Host { get; set; }

    public string? Method { get; set; }

    public string? Protocol { get; set; }

    /// <summary>The certificate the gateway presented must be valid for this name (and signed by the test CA).</summary>
    public string? VerifiedHost { get; set; }

    /// <summary>Over all repeats, how many different endpoints of the Service answered.</summary>
    public int? DistinctEndpoints { get; set; }

    /// <summary>The TLS handshake must fail: no certificate serves this name.</summary>
    public bool TlsFails { get; set; }
}
