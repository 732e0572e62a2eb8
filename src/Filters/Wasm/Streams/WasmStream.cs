using Sluice.Filters.Wasm.Runtime;

namespace Sluice.Filters.Wasm.Streams;

/// <summary>
/// One request's stream context inside one instance: the header maps and body buffers the guest sees, what it asked
/// for (a local response, a pause), and whether the instance failed under it. Finished once, by whichever of the
/// filter's completion or the request's disposal comes first.
/// </summary>
internal sealed class WasmStream(WasmVm vm, ProxyExchange exchange) : IDisposable
{
    private readonly Lock _resumeGate = new();
    private TaskCompletionSource? _resume;
    private bool _resumed;

    public WasmVm Vm { get; } = vm;

    public ProxyExchange Exchange { get; } = exchange;

    public int ContextId { get; set; }

    public RequestHeaderMap RequestHeaders { get; } = new(exchange);

    public ResponseHeaderMap ResponseHeaders { get; } = new(exchange.HttpContext.Response);

    /// <summary>Whether the response headers reached the filter (response.* properties exist from then on).</summary>
    public bool ResponseHeadersSeen { get; set; }

    public BodyBuffer RequestBody { get; } = new();

    public BodyBuffer ResponseBody { get; } = new();

    public WasmLocalResponse? LocalResponse { get; set; }

    /// <summary>The response body stand-in, when the filter sees the response body or answered on the response side.</summary>
    public WasmResponseBody? ResponseBodyInterceptor { get; set; }

    /// <summary>The instance trapped while serving this stream; its callbacks are skipped from then on.</summary>
    public bool Failed { get; set; }

    public bool Finished { get; private set; }

    /// <summary>The filter asked to reset the stream (<c>proxy_close_stream</c>).</summary>
    public bool CloseRequested { get; set; }

    /// <summary>Forgets a resume that came while nothing was paused; called before a callback that may pause.</summary>
    public void ClearResume()
    {
        lock (_resumeGate)
        {
            _resumed = false;
        }
    }

    /// <summary>
    /// A task that completes when <see cref="Resume"/> is called (by <c>proxy_continue_stream</c>, a local response or
    /// the stream's end); already complete when the resume came first, within the callback that paused.
    /// </summary>
    public Task Pause()
    {
        lock (_resumeGate)
        {
            if (_resumed || Finished)
            {
                _resumed = false;
                return Task.CompletedTask;
            }

            _resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _resume.Task;
        }
    }

    public void Resume()
    {
        lock (_resumeGate)
        {
            if (_resume is null)
            {
                _resumed = true;
                return;
            }

            _resume.TrySetResult();
            _resume = null;
        }
    }

    /// <summary>Runs the end of the context once; the caller must not hold the instance's gate.</summary>
    public void Finish()
    {
        if (Finished)
        {
            return;
        }

        Finished = true;
        Resume();
        if (ContextId == 0)
        {
            Vm.Plugin.Release(Vm);
            return;
        }

        try
        {
            lock (Vm.Gate)
            {
                Vm.FinishStream(ContextId);
            }
        }
        catch (Exception ex) when (WasmVm.IsGuestFailure(ex))
        {
            Vm.Plugin.ReportFailure(Vm, ex);
        }
        finally
        {
            Vm.Plugin.Release(Vm);
        }
    }

    public void Dispose() => Finish();
}
