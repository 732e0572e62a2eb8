using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Sluice.Gateway.Admission;

/// <summary>
/// The validating admission webhook on its own HTTPS listener (the API server only calls webhooks over TLS), apart
/// from the admin listener so that its exposure and certificate are separate. <c>POST /validate</c> takes an
/// <c>admission.k8s.io/v1</c> AdmissionReview and answers one with the verdict of <see cref="AdmissionValidator"/>.
/// </summary>
internal sealed partial class AdmissionWebhookServer(
    WebhookOptions options,
    AdmissionValidator validator,
    ILoggerFactory loggerFactory,
    ILogger<AdmissionWebhookServer> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>Larger than any object etcd stores (1.5 MiB by default), with room for the review around it.</summary>
    private const long MaxReviewBytes = 4 * 1024 * 1024;

    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var certificate = new WebhookCertificate(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "sluice" });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxReviewBytes;
            kestrel.Listen(options.Endpoint, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificateSelector = (_, _) => certificate.Current });
            });
        });

        var app = builder.Build();
        app.MapPost(WebhookOptions.ValidatePath, HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        LogListening(options.Endpoint.ToString(), WebhookOptions.ValidatePath);
        if (certificate.Current is null)
        {
            LogNoCertificateYet(options.CertificatePath, options.KeyPath);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var result = await EvaluateAsync(context).ConfigureAwait(false);
        await result.ExecuteAsync(context).ConfigureAwait(false);
    }

    private async Task<IResult> EvaluateAsync(HttpContext context)
    {
        JsonNode? review;
        try
        {
            review = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return Results.Text($"the body is not JSON: {ex.Message}\n", statusCode: StatusCodes.Status400BadRequest);
        }

        if (!AdmissionRequest.TryParse(review, out var request, out var problem))
        {
            return Results.Text(problem + "\n", statusCode: StatusCodes.Status400BadRequest);
        }

        var verdict = validator.Validate(request);
        return Results.Bytes(AdmissionResponse.Write(request.Uid, verdict), "application/json");
    }

    [LoggerMessage(EventId = 61, Level = LogLevel.Information, Message = "Admission webhook listening on https://{Endpoint}{Path}")]
    private partial void LogListening(string endpoint, string path);

    [LoggerMessage(EventId = 62, Level = LogLevel.Warning, Message = "Admission webhook has no certificate yet ({Certificate}, {Key}); TLS handshakes fail until both files are there (cert-manager, or the manual step in deploy/README.md)")]
    private partial void LogNoCertificateYet(string certificate, string key);
}
