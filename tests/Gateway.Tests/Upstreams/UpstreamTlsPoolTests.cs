using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sluice.Discovery.Loading;
using Sluice.Discovery.Snapshots;
using Sluice.Filters;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Translation;

namespace Sluice.Gateway.Tests.Upstreams;

/// <summary>
/// Upstream TLS across snapshots: a rotated client certificate reaches the same connection pool through its slot; a
/// change of trust (CA, SANs) builds a new pool; material that cannot load fails closed with a reason.
/// </summary>
public sealed class UpstreamTlsPoolTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sluice-pool-tls-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly ConfigTranslator _translator = new(FilterRegistry.Default, new UpstreamInvokerPool(), new CertificateCache());

    public UpstreamTlsPoolTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void RotatedClientCertificate_KeepsThePool_NewCa_OrSans_BuildANewOne()
    {
        using var ca = Authority("CA one");
        using var otherCa = Authority("CA two");
        WriteClient(ca, "first");
        File.WriteAllText(Path.Combine(_directory, "ca.pem"), ca.ExportCertificatePem());

        var first = Endpoint(Translate(Upstream(sans: null)));
        var firstSerial = first.Connection!.TlsPolicy!.ClientCertificate!.Current!.SerialNumber;

        WriteClient(ca, "second");
        var rotated = Endpoint(Translate(Upstream(sans: null)));
        Assert.Same(first.Invoker, rotated.Invoker);
        Assert.Same(first.Connection.TlsPolicy.ClientCertificate, rotated.Connection!.TlsPolicy!.ClientCertificate);
        Assert.NotEqual(firstSerial, rotated.Connection.TlsPolicy.ClientCertificate!.Current!.SerialNumber);
        Assert.Equal("CN=second", rotated.Connection.TlsPolicy.ClientCertificate.Current.Subject);

        File.WriteAllText(Path.Combine(_directory, "ca.pem"), otherCa.ExportCertificatePem());
        var newCa = Endpoint(Translate(Upstream(sans: null)));
        Assert.NotSame(rotated.Invoker, newCa.Invoker);

        var withSans = Endpoint(Translate(Upstream(sans: "[spiffe://shop/payments]")));
        Assert.NotSame(newCa.Invoker, withSans.Invoker);
    }

    [Fact]
    public void MissingSecret_FailsClosed_WithTheReasonOnTheUpstream()
    {
        var config = Translate("""
            apiVersion: gateway.sluice.dev/v1
            kind: Upstream
            metadata: {name: payments, namespace: default}
            spec:
              sslConfig: {secretRef: {name: payments-client}}
              static: {hosts: [{addr: payments.internal, port: 443}]}
            """);

        Assert.Empty(config.Clusters["default/payments"].Endpoints);
        var status = Assert.Single(config.Source.Statuses);
        Assert.Equal(ResourceState.Rejected, status.State);
        Assert.Contains(status.Reasons, r => r.FieldPath == "sslConfig.secretRef" && r.Message.Contains("Secret default/payments-client does not exist", StringComparison.Ordinal));
    }

    private static UpstreamEndpoint Endpoint(CompiledConfig config) => config.Clusters["default/payments"].Endpoints[0];

    private CompiledConfig Translate(string yaml)
    {
        var loaded = new ResourceFileLoader(FilterRegistry.Default).Load("upstreams.yaml", yaml);
        var snapshot = SnapshotBuilder.Build([loaded], new LastGoodResources(), ResourceSnapshot.Empty, TimeProvider.System);
        return _translator.Translate(snapshot);
    }

    private string Upstream(string? sans) => $"""
        apiVersion: gateway.sluice.dev/v1
        kind: Upstream
        metadata: {"{name: payments, namespace: default}"}
        spec:
          sslConfig:
            sslFiles: {"{"}tlsCert: {_directory}/client.pem, tlsKey: {_directory}/client.key, rootCa: {_directory}/ca.pem{"}"}
            sni: payments.internal
        {(sans is null ? string.Empty : $"    verifySubjectAltName: {sans}\n")}
          static: {"{hosts: [{addr: 10.0.0.1, port: 443}]}"}
        """;

    private static X509Certificate2 Authority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private void WriteClient(X509Certificate2 ca, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(8));
        File.WriteAllText(Path.Combine(_directory, "client.pem"), issued.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_directory, "client.key"), key.ExportPkcs8PrivateKeyPem());
    }
}
