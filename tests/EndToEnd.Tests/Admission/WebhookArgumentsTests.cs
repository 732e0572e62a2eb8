using Sluice.EndToEnd.Tests.Harness;
using Sluice.Gateway.Cli;

namespace Sluice.EndToEnd.Tests.Admission;

/// <summary><c>sluice run --webhook-listen/--webhook-cert/--webhook-key</c>: all or none, and a certificate that loads.</summary>
public sealed class WebhookArgumentsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sluice-webhook-args-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void NoFlags_MeansNoWebhook()
    {
        Assert.True(WebhookArguments.TryParse(null, null, null, out var options, out _));
        Assert.Null(options);
    }

    [Fact]
    public void OneFlagWithoutTheOthers_IsRefused()
    {
        Assert.False(WebhookArguments.TryParse("0.0.0.0:9443", null, null, out _, out var problem));
        Assert.Contains("go together", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AListenValueThatIsNotHostPort_IsRefused()
    {
        var (cert, key, _) = TestCertificates.CreateAuthority().IssueServer(_directory, "localhost");
        Assert.False(WebhookArguments.TryParse("9443", cert, key, out _, out var problem));
        Assert.Equal("--webhook-listen: '9443' is not HOST:PORT (for example 0.0.0.0:9443)", problem);
    }

    [Fact]
    public void AKeyThatDoesNotMatchTheCertificate_IsRefusedAtStartup()
    {
        var authority = TestCertificates.CreateAuthority();
        var (cert, _, _) = authority.IssueServer(Path.Combine(_directory, "a"), "localhost");
        var (_, otherKey, _) = authority.IssueServer(Path.Combine(_directory, "b"), "localhost");

        Assert.False(WebhookArguments.TryParse("127.0.0.1:9443", cert, otherKey, out _, out var problem));
        Assert.StartsWith($"--webhook-cert/--webhook-key: cannot use {cert} with {otherKey}: ", problem, StringComparison.Ordinal);
    }

    /// <summary>A Secret volume is filled after the Pod starts when cert-manager has not issued yet.</summary>
    [Fact]
    public void FilesNotThereYet_AreAccepted()
    {
        Assert.True(WebhookArguments.TryParse("0.0.0.0:9443", Path.Combine(_directory, "tls.crt"), Path.Combine(_directory, "tls.key"), out var options, out _));
        Assert.NotNull(options);
    }

    [Fact]
    public void AUsablePair_GivesTheEndpointAndAbsolutePaths()
    {
        var (cert, key, _) = TestCertificates.CreateAuthority().IssueServer(_directory, "localhost");

        Assert.True(WebhookArguments.TryParse("0.0.0.0:9443", cert, key, out var options, out _));
        Assert.Equal(9443, options!.Endpoint.Port);
        Assert.True(Path.IsPathRooted(options.CertificatePath));
    }
}
