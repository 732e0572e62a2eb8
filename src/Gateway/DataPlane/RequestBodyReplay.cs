using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Sluice.Filters.Retry;
using Sluice.Filters.Shadowing;

namespace Sluice.Gateway.DataPlane;

/// <summary>
/// How one request's body can be sent again, decided before the first attempt: there is none (GET, or an empty body),
/// it is already in memory (a request transformation buffered it: rewind it), it is small and declared (record it as it
/// is sent), or it is large or of unknown length (send it once; a retry is possible only while nobody read it).
/// </summary>
internal sealed class RequestBodyReplay
{
    /// <summary>A request without a body: the common case, shared so that it costs nothing.</summary>
    private static readonly RequestBodyReplay None = new();

    private readonly HttpRequest? _request;
    private readonly Stream _original;
    private readonly ReplayableRequestBody? _wrapper;
    private readonly bool _empty;

    private RequestBodyReplay()
    {
        _original = Stream.Null;
        _empty = true;
    }

    private RequestBodyReplay(HttpRequest request, ReplayableRequestBody? wrapper)
    {
        _request = request;
        _original = request.Body;
        _wrapper = wrapper;
        if (wrapper is not null)
        {
            request.Body = wrapper;
        }
    }

    /// <summary>Whether the next attempt can send the whole body.</summary>
    public bool CanReplay => _empty || _original.CanSeek || (_wrapper?.CanReplay ?? false);

    /// <summary>Chooses how to hold the body, and installs the recording stream when one is needed.</summary>
    /// <param name="policy">The retry policy, or null when only shadowing needs the body.</param>
    /// <param name="forShadow">Whether a mirrored copy wants the body too.</param>
    public static RequestBodyReplay Install(HttpContext context, RetryPolicy? policy, bool forShadow)
    {
        var request = context.Request;
        if (request.ContentLength == 0 || context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            return None;
        }

        if (request.Body.CanSeek)
        {
            return new(request, wrapper: null);
        }

        var retries = policy is { NumRetries: > 0 };
        var declared = StringValues.IsNullOrEmpty(request.Headers.TransferEncoding) ? request.ContentLength : null;
        if (declared is { } length)
        {
            var replayable = retries && length <= policy!.MaxReplayBytes && (policy.RetryNonIdempotent || RetryPolicy.IsIdempotent(request.Method));
            if (replayable || (forShadow && length <= ShadowPolicy.DefaultMaxBodyBytes))
            {
                return new(request, ReplayableRequestBody.Recording(request.Body, (int)length));
            }
        }

        // Too large, of unknown length, or a method retried only when the upstream never saw it: count reads, keep nothing.
        return new(request, retries ? ReplayableRequestBody.PassThrough(request.Body) : null);
    }

    /// <summary>Starts the body over for the next attempt.</summary>
    public void Rewind()
    {
        if (_wrapper is not null)
        {
            _wrapper.Rewind();
        }
        else if (!_empty && _original.CanSeek)
        {
            _original.Position = 0;
        }
    }

    /// <summary>Whether the body can be copied now (none, or already in memory), rather than once it has been sent.</summary>
    public bool IsHeldWhole => _empty || _original.CanSeek || (_wrapper?.IsComplete ?? false);

    /// <summary>
    /// A copy of the whole body for a mirrored request, if the gateway holds all of it within
    /// <paramref name="maxBytes"/>; an empty array for a request without one.
    /// </summary>
    public byte[]? CopyWhole(int maxBytes)
    {
        if (_empty)
        {
            return [];
        }

        if (_original.CanSeek)
        {
            if (_original.Length > maxBytes)
            {
                return null;
            }

            // A buffered body (a request transformation's) is read from the start and left where it was.
            var position = _original.Position;
            var copy = new byte[_original.Length];
            _original.Position = 0;
            _original.ReadExactly(copy);
            _original.Position = position;
            return copy;
        }

        return _wrapper is { IsComplete: true } wrapper && wrapper.Recorded.Length <= maxBytes ? wrapper.Recorded.ToArray() : null;
    }

    /// <summary>Puts the client's body back (filters check its type after forwarding) and frees the recording.</summary>
    public void Restore()
    {
        if (_wrapper is not null)
        {
            _request!.Body = _original;
            _wrapper.Release();
        }
    }
}
