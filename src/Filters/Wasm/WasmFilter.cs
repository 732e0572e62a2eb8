using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Sluice.Filters.Wasm.Abi;
using Sluice.Filters.Wasm.Runtime;
using Sluice.Filters.Wasm.Streams;

namespace Sluice.Filters.Wasm;

/// <summary>
/// One proxy-wasm filter in a route's chain. Per request: a stream context in one of the plugin's instances,
/// <c>proxy_on_request_headers</c> (waiting while the filter pauses until it continues or answers), the request body
/// through <c>proxy_on_request_body</c> as it is forwarded, then <c>proxy_on_response_headers</c> and the response body,
/// and at the end <c>proxy_on_log</c>, <c>proxy_on_done</c>, <c>proxy_on_delete</c>. When the filter cannot run, the
/// request passes untouched (<c>failOpen: true</c>) or gets 503, as Envoy's fail_open decides.
/// </summary>
internal sealed class WasmFilter(WasmPlugin? plugin, string name, FilterStage stage, bool failOpen, string? unavailableReason = null) : HttpFilter
{
    /// <summary>How long a paused request waits for the filter to continue it before it is answered 500.</summary>
    public static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(60);

    public override FilterStage Stage { get; } = stage;

    public WasmPlugin? Plugin { get; } = plugin;

    public string Name { get; } = name;

    public bool FailOpen { get; } = failOpen;

    public override string Describe() => Plugin is null
        ? $"wasm {Name}: unavailable ({unavailableReason}), fail {(FailOpen ? "open" : "closed")}"
        : $"wasm {Name}: root id '{Plugin.RootId}', module sha256 {Plugin.Module.Sha256[..12]}, abi {Plugin.Module.Abi}, {Plugin.Settings.Instances} instances, fail {(FailOpen ? "open" : "closed")}";

    public override ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange)
    {
        var vm = Plugin?.Acquire();
        if (vm is not null && vm.Broken)
        {
            // Picked just as it was retired and freed: take the instance that replaced it.
            vm.Plugin.Release(vm);
            vm = Plugin!.Acquire();
        }

        if (vm is null)
        {
            return FailAsync(exchange);
        }

        if (exchange.Upstreams is { } upstreams)
        {
            vm.Plugin.LastUpstreams = upstreams;
        }

        var stream = new WasmStream(vm, exchange);
        exchange.SetState(this, stream);
        exchange.HttpContext.Response.RegisterForDispose(stream);
        var request = exchange.HttpContext.Request;
        var endOfStream = !HasBody(exchange.HttpContext);
        FilterHeadersStatus status;
        try
        {
            lock (vm.Gate)
            {
                if (vm.Broken)
                {
                    throw new GuestExitException("the instance is gone");
                }

                stream.ContextId = vm.CreateStreamContext(stream);
                stream.ClearResume();
                status = vm.OnRequestHeaders(stream.ContextId, stream.RequestHeaders.Count, endOfStream);
            }
        }
        catch (Exception ex) when (WasmVm.IsGuestFailure(ex))
        {
            vm.Plugin.ReportFailure(vm, ex);
            stream.Failed = true;
            stream.Finish();
            return FailAsync(exchange);
        }

        if (stream.LocalResponse is null && !stream.CloseRequested && status is FilterHeadersStatus.StopIteration or FilterHeadersStatus.StopAllIterationAndBuffer or FilterHeadersStatus.StopAllIterationAndWatermark)
        {
            return WaitThenContinueAsync(exchange, stream);
        }

        return AfterRequestHeadersAsync(exchange, stream, endOfStream);
    }

    public override void OnResponseHeaders(ProxyExchange exchange)
    {
        var stream = exchange.GetState<WasmStream>(this);
        if (stream is null || stream.Failed || stream.Finished || stream.LocalResponse is not null)
        {
            return;
        }

        var context = exchange.HttpContext;
        var response = context.Response;
        var vm = stream.Vm;
        stream.ResponseHeadersSeen = true;
        var endOfStream = response.StatusCode is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified || response.ContentLength == 0 || HttpMethods.IsHead(context.Request.Method);
        try
        {
            lock (vm.Gate)
            {
                if (vm.Broken)
                {
                    throw new GuestExitException("the instance is gone");
                }

                vm.OnResponseHeaders(stream.ContextId, stream.ResponseHeaders.Count, endOfStream);
            }
        }
        catch (Exception ex) when (WasmVm.IsGuestFailure(ex))
        {
            vm.Plugin.ReportFailure(vm, ex);
            stream.Failed = true;
            if (!FailOpen)
            {
                stream.LocalResponse = FailureResponse(Name);
            }
        }

        if (response.HasStarted)
        {
            return;
        }

        var discard = stream.LocalResponse is not null;
        if (discard || (!endOfStream && !stream.Failed && vm.HasResponseBodyCallback))
        {
            var features = context.Features;
            stream.ResponseBodyInterceptor = new WasmResponseBody(stream, features.GetRequiredFeature<IHttpResponseBodyFeature>(), vm.Plugin.Settings.MaxBodyBytes, FailOpen, discard);
            features.Set<IHttpResponseBodyFeature>(stream.ResponseBodyInterceptor);
        }
    }

    public override async ValueTask OnResponseCompletedAsync(ProxyExchange exchange)
    {
        var stream = exchange.GetState<WasmStream>(this);
        if (stream is null)
        {
            return;
        }

        var context = exchange.HttpContext;
        if (stream.ResponseBodyInterceptor is { } body)
        {
            await body.CompleteBodyAsync().ConfigureAwait(false);
        }
        else if (stream.LocalResponse is { } local && !context.Response.HasStarted)
        {
            // Answered while the request body was being forwarded: the upload was stopped, the client gets the answer.
            context.Features.Set<Yarp.ReverseProxy.Forwarder.IForwarderErrorFeature>(null);
            await WriteLocalResponseAsync(context, local).ConfigureAwait(false);
        }

        stream.Finish();
        if (stream.CloseRequested)
        {
            context.Abort();
        }
    }

    internal static WasmLocalResponse FailureResponse(string plugin) =>
        new(StatusCodes.Status503ServiceUnavailable, "wasm_fail_stream", Encoding.UTF8.GetBytes($"wasm filter {plugin} failed\n"), []);

    /// <summary>Writes the filter's own answer: its status, its headers, its body (text/plain when it names no type).</summary>
    internal static async ValueTask WriteLocalResponseAsync(HttpContext context, WasmLocalResponse local)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            context.Abort();
            return;
        }

        response.Clear();
        response.StatusCode = local.Status is >= 200 and <= 999 ? local.Status : StatusCodes.Status500InternalServerError;
        foreach (var (key, value) in local.Headers)
        {
            if (key.Length > 0 && key[0] != ':')
            {
                response.Headers.Append(key, value);
            }
        }

        if (local.Body.Length > 0 && !response.Headers.ContainsKey("Content-Type"))
        {
            response.ContentType = "text/plain";
        }

        response.ContentLength = local.Body.Length;
        if (local.Body.Length > 0 && !HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(local.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static bool HasBody(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength is { } length)
        {
            return length > 0;
        }

        return context.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: false };
    }

    private async ValueTask<FilterVerdict> WaitThenContinueAsync(ProxyExchange exchange, WasmStream stream)
    {
        var paused = stream.Pause();
        var finished = await Task.WhenAny(paused, Task.Delay(MaxPause, exchange.HttpContext.RequestAborted)).ConfigureAwait(false);
        if (finished != paused)
        {
            stream.LocalResponse ??= new WasmLocalResponse(StatusCodes.Status500InternalServerError, "wasm_pause_timeout", "the wasm filter paused the request and never continued it\n"u8.ToArray(), []);
        }

        if (stream.Failed && stream.LocalResponse is null)
        {
            stream.Finish();
            return await FailAsync(exchange).ConfigureAwait(false);
        }

        return await AfterRequestHeadersAsync(exchange, stream, !HasBody(exchange.HttpContext)).ConfigureAwait(false);
    }

    private async ValueTask<FilterVerdict> AfterRequestHeadersAsync(ProxyExchange exchange, WasmStream stream, bool endOfStream)
    {
        var context = exchange.HttpContext;
        if (stream.CloseRequested)
        {
            stream.Finish();
            context.Abort();
            return FilterVerdict.Handled;
        }

        if (stream.LocalResponse is { } local)
        {
            stream.ResponseHeadersSeen = true;
            await WriteLocalResponseAsync(context, local).ConfigureAwait(false);
            stream.Finish();
            return FilterVerdict.Handled;
        }

        if (!endOfStream && stream.Vm.HasRequestBodyCallback)
        {
            context.Request.Body = new WasmRequestBody(stream, context.Request.Body, stream.Vm.Plugin.Settings.MaxBodyBytes, FailOpen);
        }

        return FilterVerdict.Continue;
    }

    private ValueTask<FilterVerdict> FailAsync(ProxyExchange exchange)
    {
        if (FailOpen)
        {
            return new(FilterVerdict.Continue);
        }

        return WriteFailureAsync(exchange.HttpContext, Name);

        static async ValueTask<FilterVerdict> WriteFailureAsync(HttpContext context, string name)
        {
            await WriteLocalResponseAsync(context, FailureResponse(name)).ConfigureAwait(false);
            return FilterVerdict.Handled;
        }
    }
}
