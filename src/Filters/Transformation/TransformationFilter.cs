using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Filters.Transformation;

/// <summary>
/// The runtime of <c>transformations</c> and <c>stagedTransformations</c> (one instance per option on a route).
/// Request side: the early stage, then the regular stage, each applying its first matching entry. Response side in
/// Envoy's order: regular, then early. A route may carry both options; Gloo then ignores <c>transformations</c> when
/// <c>stagedTransformations.regular</c> is set and otherwise runs it as the regular stage, so the first transformation
/// filter of the chain runs the combined plan and the other stays idle.
/// </summary>
internal sealed class TransformationFilter(string optionName, TransformationStage? early, TransformationStage? regular, long maxBodyBytes) : HttpFilter
{
    private const int EarlyIndex = 0;
    private const int RegularIndex = 1;

    public override FilterStage Stage => FilterStage.Transform;

    public string OptionName { get; } = optionName;

    public TransformationStage? Early { get; } = early;

    public TransformationStage? Regular { get; } = regular;

    public long MaxBodyBytes { get; } = maxBodyBytes;

    private bool IsLegacy => OptionName == TransformationsFilterDescriptor.Name;

    public override string Describe()
    {
        var parts = new List<string>();
        if (Early is not null)
        {
            parts.Add($"early: {Early.Describe()}");
        }

        if (Regular is not null)
        {
            parts.Add($"regular: {Regular.Describe()}");
        }

        return $"{OptionName} {string.Join("; ", parts)} (max body {MaxBodyBytes} bytes)";
    }

    public override ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange)
    {
        if (!TryGetPlan(exchange, out var plan) || (plan.Early is null && plan.Regular is null))
        {
            return new(FilterVerdict.Continue);
        }

        return RunRequestAsync(exchange, plan);
    }

    public override void OnResponseHeaders(ProxyExchange exchange)
    {
        if (!TryGetPlan(exchange, out var plan) || (plan.Early is null && plan.Regular is null))
        {
            return;
        }

        var response = exchange.HttpContext.Response;
        if (response.StatusCode == StatusCodes.Status101SwitchingProtocols)
        {
            return;
        }

        var state = exchange.GetState<TransformationState>(this);
        var regularTransformation = state?.Pinned[RegularIndex] ?? plan.Regular?.MatchResponse(response);
        if (regularTransformation is not null)
        {
            if (regularTransformation.BuffersResponse)
            {
                state = Hold(exchange, state, plan.MaxBodyBytes);
                state.PendingRegular = regularTransformation;
                state.DeferredEarly = plan.Early;
                return;
            }

            if (regularTransformation.Apply(exchange, response: true, BodyContent.Empty, out _) is { } error)
            {
                Hold(exchange, state, maxBytes: 0).ResponseError = error;
                return;
            }
        }

        var earlyTransformation = state?.Pinned[EarlyIndex] ?? plan.Early?.MatchResponse(response);
        if (earlyTransformation is null)
        {
            return;
        }

        if (earlyTransformation.BuffersResponse)
        {
            Hold(exchange, state, plan.MaxBodyBytes).PendingEarly = earlyTransformation;
            return;
        }

        if (earlyTransformation.Apply(exchange, response: true, BodyContent.Empty, out _) is { } earlyError)
        {
            Hold(exchange, state, maxBytes: 0).ResponseError = earlyError;
        }
    }

    public override async ValueTask OnResponseCompletedAsync(ProxyExchange exchange)
    {
        var state = exchange.GetState<TransformationState>(this);
        if (state?.ResponseBuffer is not { } buffer)
        {
            return;
        }

        var context = exchange.HttpContext;
        await buffer.FlushAsync().ConfigureAwait(false);
        context.Features.Set(buffer.Original);
        state.ResponseBuffer = null;

        // The upstream exchange failed (YARP has set the status); there is no response to transform.
        if (context.Features.Get<IForwarderErrorFeature>() is { Error: not ForwarderError.None })
        {
            await WriteBodyAsync(context, buffer.Content, replaced: false).ConfigureAwait(false);
            return;
        }

        var error = state.ResponseError;
        if (error is null && buffer.Overflowed)
        {
            // Sending the response untransformed could leak what the transformation exists to hide or reshape.
            error = new TransformError(StatusCodes.Status500InternalServerError, $"the upstream response body is larger than this route's transformation allows ({TryGetPlanLimit(exchange)} bytes)");
        }

        var body = new BodyContent(buffer.Content);
        var replaced = false;
        if (error is null)
        {
            (error, body, replaced) = ApplyHeld(exchange, state, body);
        }

        if (error is { } failure)
        {
            await WriteErrorAsync(context, failure, fromResponse: true).ConfigureAwait(false);
            return;
        }

        await WriteBodyAsync(context, body.Bytes, replaced).ConfigureAwait(false);
    }

    private static (TransformError? Error, BodyContent Body, bool Replaced) ApplyHeld(ProxyExchange exchange, TransformationState state, BodyContent body)
    {
        var replaced = false;
        if (state.PendingRegular is { } regularTransformation)
        {
            if (regularTransformation.Apply(exchange, response: true, body, out var newBody) is { } error)
            {
                return (error, body, replaced);
            }

            if (newBody is not null)
            {
                body = new BodyContent(newBody);
                replaced = true;
            }

            // Envoy runs the early filter's response side after regular's: it matches the transformed response.
            state.PendingEarly = state.Pinned[EarlyIndex] ?? state.DeferredEarly?.MatchResponse(exchange.HttpContext.Response);
        }

        if (state.PendingEarly is { } earlyTransformation)
        {
            if (earlyTransformation.Apply(exchange, response: true, earlyTransformation.BuffersResponse ? body : BodyContent.Empty, out var newBody) is { } error)
            {
                return (error, body, replaced);
            }

            if (newBody is not null)
            {
                body = new BodyContent(newBody);
                replaced = true;
            }
        }

        return (null, body, replaced);
    }

    private async ValueTask<FilterVerdict> RunRequestAsync(ProxyExchange exchange, Plan plan)
    {
        var context = exchange.HttpContext;
        TransformationState? state = null;
        for (var index = EarlyIndex; index <= RegularIndex; index++)
        {
            // Regular matches after early has transformed the request, as Envoy's second filter sees the first's output.
            var rule = (index == EarlyIndex ? plan.Early : plan.Regular)?.MatchRequest(exchange);
            if (rule is null)
            {
                continue;
            }

            if (rule.Response is not null)
            {
                state ??= new TransformationState();
                state.Pinned[index] = rule.Response;
            }

            if (rule.Request is not { } transformation)
            {
                continue;
            }

            var body = BodyContent.Empty;
            if (transformation.ReadsBody)
            {
                state ??= new TransformationState();
                if (state.RequestBody is null)
                {
                    TransformError? readError;
                    try
                    {
                        (state.RequestBody, readError) = await RequestBodyBuffer.ReadAsync(context, plan.MaxBodyBytes).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is IOException or OperationCanceledException)
                    {
                        // The client went away mid-body; there is no one to answer.
                        return FilterVerdict.Handled;
                    }

                    if (readError is { } failure)
                    {
                        await WriteErrorAsync(context, failure, fromResponse: false).ConfigureAwait(false);
                        return FilterVerdict.Handled;
                    }
                }

                body = state.RequestBody!;
            }

            if (transformation.Apply(exchange, response: false, body, out var newBody) is { } error)
            {
                await WriteErrorAsync(context, error, fromResponse: false).ConfigureAwait(false);
                return FilterVerdict.Handled;
            }

            if (newBody is not null)
            {
                state ??= new TransformationState();
                state.RequestBody = new BodyContent(newBody);
                state.RequestBodyReplaced = true;
            }
        }

        if (state is null)
        {
            return FilterVerdict.Continue;
        }

        if (state.RequestBody is { } buffered)
        {
            RequestBodyBuffer.Install(context, buffered, state.RequestBodyReplaced);
        }

        exchange.SetState(this, state);
        return FilterVerdict.Continue;
    }

    /// <summary>Replaces the response body feature with a buffer, once per request.</summary>
    private TransformationState Hold(ProxyExchange exchange, TransformationState? state, long maxBytes)
    {
        if (state is null)
        {
            state = new TransformationState();
            exchange.SetState(this, state);
        }

        if (state.ResponseBuffer is null)
        {
            var features = exchange.HttpContext.Features;
            state.ResponseBuffer = new ResponseBodyBuffer(features.GetRequiredFeature<IHttpResponseBodyFeature>(), maxBytes);
            features.Set<IHttpResponseBodyFeature>(state.ResponseBuffer);
        }

        return state;
    }

    private long TryGetPlanLimit(ProxyExchange exchange) => TryGetPlan(exchange, out var plan) ? plan.MaxBodyBytes : MaxBodyBytes;

    /// <summary>
    /// Only the first transformation filter in the chain acts, for both options: it merges them as Gloo's
    /// translator does (early from <c>stagedTransformations</c>; regular from it when set, else from <c>transformations</c>).
    /// </summary>
    private bool TryGetPlan(ProxyExchange exchange, out Plan plan)
    {
        plan = default;
        TransformationFilter? other = null;
        var seenSelf = false;
        foreach (var filter in exchange.Chain)
        {
            if (filter is not TransformationFilter transformation)
            {
                continue;
            }

            if (ReferenceEquals(transformation, this))
            {
                seenSelf = true;
            }
            else if (!seenSelf)
            {
                return false;
            }
            else
            {
                other = transformation;
            }
        }

        if (other is null)
        {
            plan = new Plan(Early, Regular, MaxBodyBytes);
            return true;
        }

        var (staged, legacy) = IsLegacy ? (other, this) : (this, other);
        plan = new Plan(staged.Early, staged.Regular ?? legacy.Regular, Math.Max(staged.MaxBodyBytes, legacy.MaxBodyBytes));
        return true;
    }

    private static async ValueTask WriteBodyAsync(HttpContext context, ReadOnlyMemory<byte> body, bool replaced)
    {
        var response = context.Response;
        if (replaced && body.IsEmpty)
        {
            // As Gloo: a transformation that leaves no body leaves no content type either.
            response.Headers.Remove("Content-Type");
        }

        if (response.StatusCode is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified)
        {
            response.Headers.Remove("Content-Length");
            return;
        }

        response.ContentLength = body.Length;
        if (body.IsEmpty || HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static async ValueTask WriteErrorAsync(HttpContext context, TransformError error, bool fromResponse)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            context.Abort();
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(error.Message + "\n");
        response.StatusCode = error.Status;
        if (fromResponse)
        {
            // The upstream's representation headers describe a body that is no longer sent.
            response.Headers.Remove("Content-Encoding");
            response.Headers.Remove("ETag");
            response.Headers.Remove("Last-Modified");
        }

        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private readonly record struct Plan(TransformationStage? Early, TransformationStage? Regular, long MaxBodyBytes);
}
