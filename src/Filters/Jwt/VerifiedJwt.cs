using System.Globalization;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Sluice.Filters.Jwt;

/// <summary>
/// A token that passed validation, and which provider validated it. Claims are read from the verified payload as
/// JSON, parsed on first use only (most routes never read a claim).
/// </summary>
public sealed class VerifiedJwt(string provider, JsonWebToken token)
{
    private JsonElement? _payload;

    public string Provider { get; } = provider;

    public JsonWebToken Token { get; } = token;

    public JsonElement Payload => _payload ??= JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(Token.EncodedPayload)).RootElement;

    /// <summary>The claim at <paramref name="path"/>; with a delimiter, <c>a.b</c> walks into nested objects.</summary>
    public bool TryGetClaim(string path, string? nestedDelimiter, out JsonElement value)
    {
        value = Payload;
        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (string.IsNullOrEmpty(nestedDelimiter))
        {
            return value.TryGetProperty(path, out value);
        }

        foreach (var part in path.Split(nestedDelimiter))
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(part, out value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A claim as header text: strings as they are, numbers and booleans as JSON writes them, arrays of scalars joined
    /// with commas, objects as JSON; null when absent.
    /// </summary>
    public string? ClaimAsString(string name) => TryGetClaim(name, null, out var value) ? AsText(value) : null;

    public static string AsText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.Array => JoinArray(value),
        _ => value.GetRawText(),
    };

    private static string JoinArray(JsonElement array)
    {
        var parts = new List<string>();
        foreach (var item in array.EnumerateArray())
        {
            parts.Add(item.ValueKind == JsonValueKind.String ? item.GetString() ?? string.Empty : item.GetRawText());
        }

        return string.Join(",", parts);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"JWT from provider {Provider}");
}
