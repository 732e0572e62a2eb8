using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Sluice.Filters.ExtAuth;

/// <summary>
/// Gloo's <c>apiKeyAuth</c>: the key in a request header must be one held by the referenced (or label-selected)
/// Secrets under <c>api-key</c>. Keys are indexed by SHA-256 digest, so finding one compares digests, never the secret
/// text itself; the Secret's other entries may be sent upstream as headers (<c>headersFromMetadataEntry</c>).
/// </summary>
internal sealed class ApiKeyStep : AuthStep
{
    public const string DefaultHeader = "api-key";
    public const string SecretKey = "api-key";

    private static readonly byte[] RefusedBody = "api key missing or invalid\n"u8.ToArray();

    private readonly string _header;
    private readonly Dictionary<KeyDigest, KeyValuePair<string, string>[]> _keys;
    private readonly string[] _metadataHeaders;
    private readonly int _keyCount;

    public ApiKeyStep(ApiKeyAuthConfig config, IReadOnlyList<SecretData> secrets)
    {
        _header = config.HeaderName ?? DefaultHeader;
        _metadataHeaders = [.. config.HeadersFromMetadataEntry.Keys];
        _keys = [];
        foreach (var secret in secrets)
        {
            if (!secret.TryGetBytes(SecretKey, out var key) || key.Length == 0)
            {
                continue;
            }

            var headers = new List<KeyValuePair<string, string>>();
            var complete = true;
            foreach (var (header, entry) in config.HeadersFromMetadataEntry)
            {
                if (secret.TryGetString(entry.Name, out var value) && !HeaderValueRules.ContainsForbiddenCharacter(value))
                {
                    headers.Add(new(header, value));
                }
                else if (entry.Required)
                {
                    // Gloo refuses a key whose Secret lacks a required entry.
                    complete = false;
                }
            }

            if (complete)
            {
                _keys[KeyDigest.Of(key)] = [.. headers];
            }
        }

        _keyCount = _keys.Count;
    }

    public override string Describe() => $"apiKeyAuth header {_header} ({_keyCount} keys)";

    public override bool Authenticate(HttpRequest request)
    {
        // Headers the gateway sets from key metadata are never taken from the client.
        foreach (var header in _metadataHeaders)
        {
            request.Headers.Remove(header);
        }

        var presented = request.Headers[_header];
        if (presented.Count != 1 || string.IsNullOrEmpty(presented[0]))
        {
            return false;
        }

        var text = presented[0]!;
        Span<byte> utf8 = text.Length <= 512 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(text.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        var length = Encoding.UTF8.GetBytes(text, utf8);
        if (!_keys.TryGetValue(KeyDigest.Of(utf8[..length]), out var headers))
        {
            return false;
        }

        foreach (var (name, value) in headers)
        {
            request.Headers[name] = value;
        }

        return true;
    }

    public override ValueTask<FilterVerdict> RefuseAsync(HttpContext context) =>
        LocalResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, RefusedBody);

    /// <summary>A SHA-256 digest as a value type, so a lookup allocates nothing.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct KeyDigest(ulong A, ulong B, ulong C, ulong D)
    {
        public static KeyDigest Of(ReadOnlySpan<byte> key)
        {
            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(key, digest);
            var words = MemoryMarshal.Cast<byte, ulong>(digest);
            return new KeyDigest(words[0], words[1], words[2], words[3]);
        }
    }
}
