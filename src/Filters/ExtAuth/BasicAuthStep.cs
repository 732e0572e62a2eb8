using System.Buffers.Text;
using Microsoft.AspNetCore.Http;

namespace Sluice.Filters.ExtAuth;

/// <summary>
/// Gloo's <c>basicAuth</c>: <c>Authorization: Basic</c> credentials checked against stored hashes. An unknown user
/// costs the same hash work as a known one, so response time does not reveal which user names exist.
/// </summary>
internal sealed class BasicAuthStep(string realm, IReadOnlyDictionary<string, PasswordHash> users) : AuthStep
{
    private static readonly byte[] RefusedBody = "basic auth credentials missing or invalid\n"u8.ToArray();

    /// <summary>Verified against when the user is unknown, to spend the same time as a real check (same hash kind as a real user).</summary>
    private readonly PasswordHash _decoy = users.Values.FirstOrDefault() ?? new PasswordHash.Plain([0]);

    private readonly string _challenge = $"Basic realm=\"{realm}\"";

    public override string Describe() => $"basicAuth realm {realm} ({users.Count} users)";

    public override bool Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var encoded = value.AsSpan(6).Trim();
        if (encoded.Length > 4096)
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[Base64.GetMaxDecodedFromUtf8Length(encoded.Length)];
        Span<byte> ascii = stackalloc byte[encoded.Length];
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] > 127)
            {
                return false;
            }

            ascii[i] = (byte)encoded[i];
        }

        if (Base64.DecodeFromUtf8(ascii, decoded, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        var credentials = decoded[..written];
        var colon = credentials.IndexOf((byte)':');
        if (colon <= 0)
        {
            return false;
        }

        var user = System.Text.Encoding.UTF8.GetString(credentials[..colon]);
        var password = credentials[(colon + 1)..];
        if (users.TryGetValue(user, out var hash))
        {
            return hash.Verify(password);
        }

        _decoy.Verify(password);
        return false;
    }

    public override ValueTask<FilterVerdict> RefuseAsync(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = _challenge;
        return LocalResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, RefusedBody);
    }
}
