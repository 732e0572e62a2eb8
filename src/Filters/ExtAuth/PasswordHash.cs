using System.Security.Cryptography;
using System.Text;

namespace Sluice.Filters.ExtAuth;

/// <summary>
/// One user's stored password, as htpasswd writes it: bcrypt (<c>$2y$</c>, <c>$2a$</c>, <c>$2b$</c>), APR1-MD5
/// (<c>$apr1$</c>) or SHA-1 (<c>{SHA}</c>); or a plain password from a <c>kubernetes.io/basic-auth</c> Secret.
/// Every comparison is constant-time. Crypt(3) DES and plain text in htpasswd files are refused.
/// </summary>
internal abstract class PasswordHash
{
    public abstract bool Verify(ReadOnlySpan<byte> password);

    /// <summary>Parses an htpasswd hash; null when the format is not one Sluice accepts.</summary>
    public static PasswordHash? Parse(string hash)
    {
        if (hash.StartsWith("$2a$", StringComparison.Ordinal) || hash.StartsWith("$2b$", StringComparison.Ordinal) || hash.StartsWith("$2y$", StringComparison.Ordinal))
        {
            return hash.Length == 60 ? new Bcrypt(hash) : null;
        }

        if (hash.StartsWith("$apr1$", StringComparison.Ordinal))
        {
            var parts = hash.Split('$');
            return parts.Length == 4 && Apr1.IsWellFormed(parts[2], parts[3]) ? new Apr1Hash(parts[2], parts[3]) : null;
        }

        if (hash.StartsWith("{SHA}", StringComparison.Ordinal))
        {
            try
            {
                var digest = Convert.FromBase64String(hash[5..]);
                return digest.Length == 20 ? new Sha1Hash(digest) : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return null;
    }

    public sealed class Apr1Hash(string salt, string hash) : PasswordHash
    {
        public override bool Verify(ReadOnlySpan<byte> password) => Apr1.Verify(password, salt, hash);
    }

    private sealed class Bcrypt(string hash) : PasswordHash
    {
        public override bool Verify(ReadOnlySpan<byte> password)
        {
            try
            {
                return BCrypt.Net.BCrypt.Verify(Encoding.UTF8.GetString(password), hash);
            }
            catch (BCrypt.Net.SaltParseException)
            {
                return false;
            }
        }
    }

    private sealed class Sha1Hash(byte[] digest) : PasswordHash
    {
        public override bool Verify(ReadOnlySpan<byte> password) => CryptographicOperations.FixedTimeEquals(SHA1.HashData(password), digest);
    }

    /// <summary>A plain password from a basic-auth Secret, compared by SHA-256 digest so length leaks nothing.</summary>
    public sealed class Plain(byte[] password) : PasswordHash
    {
        private readonly byte[] _digest = SHA256.HashData(password);

        public override bool Verify(ReadOnlySpan<byte> candidate) => CryptographicOperations.FixedTimeEquals(SHA256.HashData(candidate), _digest);
    }
}
