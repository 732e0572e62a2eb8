using Sluice.Filters.Listener;
using Sluice.Gateway.Listeners;
using Sluice.Gateway.Routing;

namespace Sluice.Gateway.DataPlane;

/// <summary>What the door decided: go on with the normalized path, refuse with 400, or redirect (escaped slashes).</summary>
internal enum DoorVerdict
{
    Pass,
    Refuse,
    Redirect,
}

/// <summary>
/// The checks every request passes before routing, in order: <see cref="RequestGuard"/>, the listener's escaped-slash
/// action, then <see cref="PathNormalizer"/>. The data plane and <c>sluice route test</c> both call this, so a
/// prediction can never take a different door than a request.
/// </summary>
internal static class RequestDoor
{
    private static readonly byte[] BadPathBody = "the request path is not allowed (encoded slash or backslash, or not absolute)\n"u8.ToArray();

    /// <param name="path">On <see cref="DoorVerdict.Pass"/>, the one normalized path used for routing and policy.</param>
    /// <param name="refusal">On <see cref="DoorVerdict.Refuse"/>, the 400 body saying why.</param>
    /// <param name="location">On <see cref="DoorVerdict.Redirect"/>, where the 307 sends the client.</param>
    public static DoorVerdict Enter(HttpContext context, ListenerSettings settings, out string path, out byte[]? refusal, out string? location)
    {
        path = string.Empty;
        location = null;
        refusal = RequestGuard.Check(context, settings);
        if (refusal is not null)
        {
            return DoorVerdict.Refuse;
        }

        var request = context.Request;
        var rawPath = request.Path.Value ?? string.Empty;
        if (settings.EscapedSlashes != PathWithEscapedSlashesAction.REJECT_REQUEST && PathNormalizer.HasEscapedSlash(rawPath))
        {
            var unescaped = PathNormalizer.UnescapeSlashes(rawPath);
            if (settings.EscapedSlashes == PathWithEscapedSlashesAction.UNESCAPE_AND_REDIRECT && PathNormalizer.TryNormalize(unescaped, out var target))
            {
                location = new PathString(target).ToUriComponent() + request.QueryString.Value;
                return DoorVerdict.Redirect;
            }

            rawPath = unescaped;
        }

        if (!PathNormalizer.TryNormalize(rawPath, out path))
        {
            refusal = BadPathBody;
            return DoorVerdict.Refuse;
        }

        return DoorVerdict.Pass;
    }
}
