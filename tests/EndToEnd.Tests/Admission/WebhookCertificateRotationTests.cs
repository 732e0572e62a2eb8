using System.Security.Authentication;

namespace Sluice.EndToEnd.Tests.Admission;

/// <summary>cert-manager rotates the webhook's certificate in place; new connections must get the new one, without a restart.</summary>
public sealed class WebhookCertificateRotationTests : IAsyncLifetime
{
    private readonly WebhookGateway _webhook = new();

    public Task InitializeAsync() => _webhook.InitializeAsync();

    public Task DisposeAsync() => _webhook.DisposeAsync();

    [Fact]
    public async Task ARotatedCertificate_IsServedToNewConnections()
    {
        var original = _webhook.Authority;
        var review = KubectlJson.FromYaml(Harness.Yaml.Upstream("u", 9));
        Assert.True((bool)(await _webhook.ReviewAsync(review))["allowed"]!);

        _webhook.Rotate();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                Assert.True((bool)(await _webhook.ReviewAsync(review))["allowed"]!);
                break;
            }
            catch (HttpRequestException ex) when (ex.InnerException is AuthenticationException && DateTime.UtcNow < deadline)
            {
                // The files' modification time may not have moved yet within the clock's resolution; touch and retry.
                File.SetLastWriteTimeUtc(_webhook.CertificatePath, DateTime.UtcNow);
                await Task.Delay(50);
            }
        }

        using var trustingOnlyTheOld = _webhook.CreateClient(original);
        await Assert.ThrowsAsync<HttpRequestException>(() => trustingOnlyTheOld.PostAsync(Gateway.Admission.WebhookOptions.ValidatePath, new StringContent("{}")));
    }
}
