using System.Globalization;
using Sluice.Filters.Wasm.Abi;
using Sluice.Filters.Wasm.Streams;

namespace Sluice.Filters.Wasm.Runtime;

/// <summary>
/// <c>proxy_http_call</c>: a side request to an Upstream named as the cluster, its response delivered later through
/// <c>proxy_on_http_call_response</c> (0, 0, 0 when it failed, as Envoy does). As in the C++ host, the call belongs to
/// the root context (SDKs dispatch the response from there and set the effective context back to the stream).
/// </summary>
internal sealed partial class WasmVm
{
    private const int MaxCallResponseBytes = 4 * 1024 * 1024;
    private int _nextCallToken;

    internal WasmResult HttpCall(int upstreamPointer, int upstreamSize, int headersPointer, int headersSize, int bodyPointer, int bodySize, int trailersPointer, int trailersSize, int timeoutMilliseconds, int tokenPointer)
    {
        var upstream = String(upstreamPointer, upstreamSize);
        var headers = new List<KeyValuePair<string, string>>();
        if (!HeaderPairs.TryParse(Bytes(headersPointer, headersSize), headers))
        {
            return WasmResult.ParseFailure;
        }

        _ = Bytes(trailersPointer, trailersSize);
        string? method = null, path = null, authority = null;
        foreach (var (key, value) in headers)
        {
            switch (key)
            {
                case ":method":
                    method = value;
                    break;
                case ":path":
                    path = value;
                    break;
                case ":authority":
                case "host":
                    authority = value;
                    break;
            }
        }

        // Envoy refuses a call without the pseudo-headers that make a request.
        if (method is null || path is null || authority is null)
        {
            return WasmResult.BadArgument;
        }

        var stream = CurrentStream;
        var client = stream?.Exchange.Upstreams ?? Plugin.LastUpstreams;
        if (client is null || !Uri.TryCreate(path, UriKind.Relative, out var uri))
        {
            return WasmResult.BadArgument;
        }

        var request = new HttpRequestMessage(new HttpMethod(method), uri);
        if (bodySize > 0)
        {
            request.Content = new ByteArrayContent(Bytes(bodyPointer, bodySize).ToArray());
        }

        foreach (var (key, value) in headers)
        {
            if (key.Length == 0 || key[0] == ':' || key == "host")
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(key, value))
            {
                request.Content?.Headers.TryAddWithoutValidation(key, value);
            }
        }

        request.Headers.Host = authority;
        var timeout = timeoutMilliseconds > 0 ? TimeSpan.FromMilliseconds((uint)timeoutMilliseconds) : TimeSpan.FromSeconds(5);
        var deadline = new CancellationTokenSource(timeout);
        var sending = client.SendAsync(upstream, stream?.Exchange, request, deadline.Token);
        if (sending is null)
        {
            deadline.Dispose();
            request.Dispose();
            return WasmResult.BadArgument;
        }

        var token = ++_nextCallToken;
        WriteU32(tokenPointer, (uint)token);
        _ = DeliverAsync(sending, request, deadline, stream, token, upstream);
        return WasmResult.Ok;
    }

    private async Task DeliverAsync(Task<HttpResponseMessage> sending, HttpRequestMessage request, CancellationTokenSource deadline, WasmStream? origin, int token, string upstream)
    {
        HttpCallResult? result = null;
        try
        {
            using var response = await sending.ConfigureAwait(false);
            var headers = new List<KeyValuePair<string, string>> { new(":status", ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)) };
            foreach (var (name, values) in response.Headers)
            {
                foreach (var value in values)
                {
                    headers.Add(new(name.ToLowerInvariant(), value));
                }
            }

            foreach (var (name, values) in response.Content.Headers)
            {
                foreach (var value in values)
                {
                    headers.Add(new(name.ToLowerInvariant(), value));
                }
            }

            var body = new BodyBuffer();
            var content = await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
            body.Load(content.AsSpan(0, Math.Min(content.Length, MaxCallResponseBytes)));
            var trailers = new List<KeyValuePair<string, string>>();
            foreach (var (name, values) in response.TrailingHeaders)
            {
                foreach (var value in values)
                {
                    trailers.Add(new(name.ToLowerInvariant(), value));
                }
            }

            result = new HttpCallResult(new ListHeaderMap(headers, readOnly: false), body, new ListHeaderMap(trailers, readOnly: false));
        }
        catch (Exception ex)
        {
            WasmLog.HttpCallFailed(Plugin.Logger, Plugin.Name, upstream, ex.Message);
        }
        finally
        {
            deadline.Dispose();
            request.Dispose();
        }

        DeliverHttpCallResponse(origin, token, result);
    }

    private void DeliverHttpCallResponse(WasmStream? stream, int token, HttpCallResult? result)
    {
        var contextId = RootContextId;
        lock (Gate)
        {
            if (Broken || _onHttpCallResponse is null)
            {
                stream?.Resume();
                return;
            }

            CallResponse = result ?? new HttpCallResult(new ListHeaderMap([], readOnly: true), new BodyBuffer(), new ListHeaderMap([], readOnly: true));
            try
            {
                Enter(contextId);
                _onHttpCallResponse(contextId, token, result?.Headers.Count ?? 0, result?.Body.Length ?? 0, result?.Trailers.Count ?? 0);
            }
            catch (Exception ex) when (IsGuestFailure(ex))
            {
                Plugin.ReportFailure(this, ex);
                if (stream is not null)
                {
                    stream.Failed = true;
                    stream.Resume();
                }
            }
            finally
            {
                CallResponse = null;
            }
        }
    }
}
