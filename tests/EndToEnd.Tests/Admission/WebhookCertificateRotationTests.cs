using System.Security.Authentication;

namespace Sluice.EndToEnd.Tests.Admission;

/// <summary>cert-manager issues and rotates the webhook's certificate in place; new connections get the current one, without a restart.</summary>
public sealed class WebhookCertificateRotationTests
{
    [Fact]
    public async Task ACertificateThatArrivesAfterStart_IsServedOnceItIsThere()
    {
        var webhook = new WebhookGateway { IssueBeforeStart = false };
        await webhook.InitializeAsync();
        try
        {
            var review = KubectlJson.FromYaml(Harness.Yaml.Upstream("u", 9));
            await Assert.ThrowsAsync<HttpRequestException>(() => webhook.ReviewAsync(review));
            Assert.Contains(webhook.Gateway.Log.Lines, line => line.Contains("Admission webhook has no certificate yet", StringComparison.Ordinal));

            webhook.IssueNow();

            Assert.True((bool)(await webhook.ReviewAsync(review))["allowed"]!);
        }
        finally
        {
            await webhook.DisposeAsync();
        }
    }

    [Fact]
    public async Task ARotatedCertificate_IsServedToNewConnections()
    {
        var webhook = new WebhookGateway();
        await webhook.InitializeAsync();
        try
        {
            await RotateAsync(webhook);
        }
        finally
        {
            await webhook.DisposeAsync();
        }
    }

    private static async Task RotateAsync(WebhookGateway webhook)
    {
        var original = webhook.Authority;
        var review = KubectlJson.FromYaml(Harness.Yaml.Upstream("u", 9));
        Assert.True((bool)(await webhook.ReviewAsync(review))["allowed"]!);

        webhook.Rotate();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                Assert.True((bool)(await webhook.ReviewAsync(review))["allowed"]!);
                break;
            }
            catch (HttpRequestException ex) when (ex.InnerException is AuthenticationException && DateTime.UtcNow < deadline)
            {
                // The files' modification time may not have moved yet within the clock's resolution; touch and retry.
                File.SetLastWriteTimeUtc(webhook.CertificatePath, DateTime.UtcNow);
                await Task.Delay(50);
            }
        }

        using var trustingOnlyTheOld = webhook.CreateClient(original);
        await Assert.ThrowsAsync<HttpRequestException>(() => trustingOnlyTheOld.PostAsync(Gateway.Admission.WebhookOptions.ValidatePath, new StringContent("{}")));
    }
}
