using Microsoft.AspNetCore.Http;

namespace Sluice.EndToEnd.Tests.Filters.BufferLimits;

/// <summary>
/// A backend handler that reads the whole request body, records how much arrived and whether it arrived whole, and
/// answers with the body it read (so a test can check it passed intact).
/// </summary>
public sealed class BodySink
{
    private long _bytesReceived;
    private int _requests;
    private int _completed;

    /// <summary>Body bytes received over all requests, complete or not.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Requests whose body was read to its end.</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <param name="respondFirst">Send the response headers before reading the body, as a gRPC server does.</param>
    public RequestDelegate Handler(bool respondFirst = false) => async context =>
    {
        Interlocked.Increment(ref _requests);
        if (respondFirst)
        {
            context.Response.ContentType = context.Request.ContentType;
            await context.Response.StartAsync();
        }

        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
            {
                Interlocked.Add(ref _bytesReceived, read);
                received.Write(buffer, 0, read);
            }
        }
        catch (Exception ex) when (ex is IOException or BadHttpRequestException or OperationCanceledException)
        {
            // The gateway aborted the upstream request: exactly what an over-limit body should cause.
            return;
        }

        Interlocked.Increment(ref _completed);
        if (!respondFirst)
        {
            context.Response.ContentType = "application/octet-stream";
        }

        await context.Response.Body.WriteAsync(received.ToArray());
    };
}
