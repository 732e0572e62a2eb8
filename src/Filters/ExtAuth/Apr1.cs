using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Sluice.Filters.ExtAuth;

/// <summary>
/// Apache's APR1-MD5 password hash (<c>htpasswd -m</c>, Gloo's <c>basicAuth.apr</c>): Poul-Henning Kamp's md5crypt
/// with the magic <c>$apr1$</c>. Weak by today's standards (MD5, 1000 rounds), supported because Gloo users have these
/// hashes; prefer bcrypt through an htpasswd file or Secret. Comparison is constant-time.
/// </summary>
public static class Apr1
{
    private const string Alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static readonly SearchValues<char> AlphabetChars = SearchValues.Create(Alphabet);
    private static readonly byte[] Magic = "$apr1$"u8.ToArray();

    public static bool IsWellFormed(string salt, string hash) =>
        salt.Length is > 0 and <= 8 && !salt.AsSpan().ContainsAnyExcept(AlphabetChars) &&
        hash.Length == 22 && !hash.AsSpan().ContainsAnyExcept(AlphabetChars);

    /// <summary>The 22-character hash of <paramref name="password"/> with <paramref name="salt"/> (at most 8 characters used).</summary>
    public static string Hash(ReadOnlySpan<byte> password, string salt)
    {
        var saltBytes = Encoding.ASCII.GetBytes(salt.Length > 8 ? salt[..8] : salt);
        Span<byte> final = stackalloc byte[16];

        using (var alternate = IncrementalHash.CreateHash(HashAlgorithmName.MD5))
        {
            alternate.AppendData(password);
            alternate.AppendData(saltBytes);
            alternate.AppendData(password);
            alternate.GetHashAndReset(final);
        }

        using var context = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        context.AppendData(password);
        context.AppendData(Magic);
        context.AppendData(saltBytes);
        for (var left = password.Length; left > 0; left -= 16)
        {
            context.AppendData(final[..Math.Min(left, 16)]);
        }

        final.Clear();
        for (var i = password.Length; i != 0; i >>= 1)
        {
            // md5crypt's quirk: a zero byte (from the cleared buffer) for set bits, the first password byte otherwise.
            context.AppendData((i & 1) != 0 ? final[..1] : password[..1]);
        }

        context.GetHashAndReset(final);
        for (var round = 0; round < 1000; round++)
        {
            if ((round & 1) != 0)
            {
                context.AppendData(password);
            }
            else
            {
                context.AppendData(final);
            }

            if (round % 3 != 0)
            {
                context.AppendData(saltBytes);
            }

            if (round % 7 != 0)
            {
                context.AppendData(password);
            }

            if ((round & 1) != 0)
            {
                context.AppendData(final);
            }
            else
            {
                context.AppendData(password);
            }

            context.GetHashAndReset(final);
        }

        var text = new StringBuilder(22);
        Encode(text, (final[0] << 16) | (final[6] << 8) | final[12], 4);
        Encode(text, (final[1] << 16) | (final[7] << 8) | final[13], 4);
        Encode(text, (final[2] << 16) | (final[8] << 8) | final[14], 4);
        Encode(text, (final[3] << 16) | (final[9] << 8) | final[15], 4);
        Encode(text, (final[4] << 16) | (final[10] << 8) | final[5], 4);
        Encode(text, final[11], 2);
        return text.ToString();
    }

    public static bool Verify(ReadOnlySpan<byte> password, string salt, string expectedHash)
    {
        var actual = Hash(password, salt);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(actual), Encoding.ASCII.GetBytes(expectedHash));
    }

    private static void Encode(StringBuilder text, int value, int count)
    {
        for (var i = 0; i < count; i++)
        {
            text.Append(Alphabet[value & 0x3f]);
            value >>= 6;
        }
    }
}
