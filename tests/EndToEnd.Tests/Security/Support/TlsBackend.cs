using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sluice.EndToEnd.Tests.Security.Support;

/// <summary>
/// A real HTTPS Kestrel backend on 127.0.0.1 that requires a client certificate issued by one CA, and answers with
/// the subject and serial number of the certificate the caller presented.
/// </summary>
internal sealed class TlsBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private TlsBackend(WebApplication app)
    {
        _app = app;
    }

    public int Port { get; private set; }

    public int RequestCount => Volatile.Read(ref _requests);

    /// <param name="closeEachConnection">Answer with <c>Connection: close</c>, so every request needs a new TLS handshake.</param>
    public static async Task<TlsBackend> StartAsync(X509Certificate2 serverCertificate, X509Certificate2 clientAuthority, bool closeEachConnection = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
        {
            https.ServerCertificate = serverCertificate;
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.ClientCertificateValidation = (certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(clientAuthority);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            };
        })));
        var app = builder.Build();
        var backend = new TlsBackend(app);
        app.Run(async context =>
        {
            Interlocked.Increment(ref backend._requests);
            var client = context.Connection.ClientCertificate;
            if (closeEachConnection)
            {
                context.Response.Headers.Connection = "close";
            }

            await context.Response.WriteAsync($"subject={client?.Subject};serial={client?.SerialNumber}");
        });
        await app.StartAsync();
        backend.Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
