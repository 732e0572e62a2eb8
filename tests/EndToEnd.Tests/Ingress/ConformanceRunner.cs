using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Ingress;

/// <summary>
/// Runs one conformance feature against an environment: starts an echo backend per Service replica, generates the
/// TLS Secrets, applies the manifests with Sluice installed as the default IngressClass (as the suite assumes a
/// controller is installed), then sends every scenario's requests and collects every mismatch.
/// </summary>
public static class ConformanceRunner
{
    /// <summary>What installing Sluice in a cluster provides: its IngressClass, marked default.</summary>
    public const string InstalledIngressClass = """
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata:
          name: sluice
          annotations:
            ingressclass.kubernetes.io/is-default-class: "true"
        spec:
          controller: gateway.sluice.dev/ingress-controller
        ---

        """;

    public static async Task<IReadOnlyList<string>> RunAsync(ConformanceFeature feature, IIngressEnvironment environment)
    {
        var backends = new List<TestBackend>();
        try
        {
            var endpoints = new List<(ConformanceService, IReadOnlyList<int>)>();
            foreach (var service in feature.Services)
            {
                var ports = new List<int>();
                for (var replica = 0; replica < service.Replicas; replica++)
                {
                    var backend = await TestBackend.StartAsync($"{service.Name}#{replica}");
                    backends.Add(backend);
                    ports.Add(backend.Port);
                }

                endpoints.Add((service, ports));
            }

            var authority = TestCertificates.CreateAuthority("Sluice Conformance CA");
            var secrets = new StringBuilder();
            foreach (var secret in feature.TlsSecrets)
            {
                secrets.Append(TlsSecretYaml(authority, secret));
            }

            await environment.ApplyAsync(endpoints, InstalledIngressClass + secrets + feature.Manifests);

            var failures = new List<string>();
            foreach (var scenario in feature.Scenarios)
            {
                failures.AddRange((await RunScenarioAsync(scenario, environment, authority.Authority)).Select(f => $"{feature.Feature}: {scenario.Name}: {f}"));
            }

            return failures;
        }
        finally
        {
            foreach (var backend in backends)
            {
                await backend.DisposeAsync();
            }
        }
    }

    private static async Task<List<string>> RunScenarioAsync(ConformanceScenario scenario, IIngressEnvironment environment, X509Certificate2 authority)
    {
        var failures = new List<string>();
        var url = new Uri(scenario.Url);
        var secure = url.Scheme == Uri.UriSchemeHttps;
        var target = secure ? environment.HttpsEndpoint : environment.HttpEndpoint;
        string? presentedFor = null;
        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.Zero,

            // Every host name resolves to the gateway, as DNS would point at the ingress's address.
            ConnectCallback = async (_, cancellation) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(target, cancellation);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions =
            {
                TargetHost = scenario.Sni,
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    var host = scenario.Sni ?? url.Host;
                    var valid = certificate is not null && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && IssuedBy(certificate, authority);
                    presentedFor = valid ? host : null;
                    return valid;
                },
            },
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(15) };
        var answeredBy = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < scenario.Repeat; i++)
        {
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(scenario.Method), url));
            }
            catch (HttpRequestException ex)
            {
                if (!scenario.Expect.TlsFails)
                {
                    failures.Add($"request failed: {ex.Message}");
                }

                return failures;
            }

            using (response)
            {
                if (scenario.Expect.TlsFails)
                {
                    failures.Add($"expected the TLS handshake to fail, got HTTP {(int)response.StatusCode}");
                    return failures;
                }

                var body = await response.Content.ReadAsStringAsync();
                Check(failures, "status", scenario.Expect.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture), ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return failures;
                }

                var echo = JsonSerializer.Deserialize<EchoResponse>(body, EchoResponse.JsonOptions)!;
                answeredBy.Add(echo.Backend);
                Check(failures, "service", scenario.Expect.Service, echo.Backend.Split('#')[0]);
                Check(failures, "path", scenario.Expect.Path, echo.Path);
                Check(failures, "host", scenario.Expect.Host, echo.Host);
                Check(failures, "method", scenario.Expect.Method, echo.Method);
                Check(failures, "protocol", scenario.Expect.Protocol, echo.Protocol);
                Check(failures, "certificate verified for", scenario.Expect.VerifiedHost, presentedFor);
            }

            if (failures.Count > 0)
            {
                return failures;
            }
        }

        if (scenario.Expect.DistinctEndpoints is { } distinct && answeredBy.Count != distinct)
        {
            failures.Add($"expected {distinct} different endpoints to answer, got {answeredBy.Count}: {string.Join(", ", answeredBy.Order(StringComparer.Ordinal))}");
        }

        return failures;
    }

    private static void Check(List<string> failures, string what, string? expected, string? actual)
    {
        if (expected is not null && expected != actual)
        {
            failures.Add($"{what}: expected '{expected}', got '{actual}'");
        }
    }

    private static bool IssuedBy(X509Certificate certificate, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    private static string TlsSecretYaml(TestCertificates authority, ConformanceTlsSecret secret)
    {
        var directory = Path.Combine(Path.GetTempPath(), "sluice-conformance-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var (certPath, keyPath, _) = authority.IssueServer(directory, [.. secret.Hosts]);
            return $"""
                apiVersion: v1
                kind: Secret
                metadata:
                  name: {secret.Name}
                type: kubernetes.io/tls
                data:
                  tls.crt: {Convert.ToBase64String(File.ReadAllBytes(certPath))}
                  tls.key: {Convert.ToBase64String(File.ReadAllBytes(keyPath))}
                ---

                """;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
