using System.Text;
using Sluice.Filters.ExtAuth;

namespace Sluice.Filters.Tests.Security;

public sealed class Apr1Tests
{
    // Vectors from `openssl passwd -apr1 -salt SALT PASSWORD`.
    [Theory]
    [InlineData("secret", "abcdefgh", "h9FWgUz3n9YxylKLlR5SQ/")]
    [InlineData("password", "TYiryv0/", "8BvzLUO9IfGPGGsPnAgSu1")]
    public void Hash_MatchesOpenSsl(string password, string salt, string expected)
    {
        Assert.Equal(expected, Apr1.Hash(Encoding.UTF8.GetBytes(password), salt));
        Assert.True(Apr1.Verify(Encoding.UTF8.GetBytes(password), salt, expected));
    }

    [Fact]
    public void Verify_WrongPassword_IsFalse() =>
        Assert.False(Apr1.Verify("Secret"u8, "abcdefgh", "h9FWgUz3n9YxylKLlR5SQ/"));

    [Theory]
    [InlineData("", "h9FWgUz3n9YxylKLlR5SQ/")]
    [InlineData("abcdefghi", "h9FWgUz3n9YxylKLlR5SQ/")]
    [InlineData("abc$", "h9FWgUz3n9YxylKLlR5SQ/")]
    [InlineData("abcdefgh", "short")]
    public void IsWellFormed_RefusesWhatHtpasswdNeverWrites(string salt, string hash) => Assert.False(Apr1.IsWellFormed(salt, hash));

    [Fact]
    public void PasswordHash_ReadsEveryHtpasswdFormat()
    {
        Assert.True(PasswordHash.Parse("$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/")!.Verify("secret"u8));
        Assert.True(PasswordHash.Parse("{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=")!.Verify("secret"u8));
        Assert.False(PasswordHash.Parse("{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=")!.Verify("secreT"u8));
        var bcrypt = BCrypt.Net.BCrypt.HashPassword("secret", workFactor: 4);
        Assert.True(PasswordHash.Parse(bcrypt)!.Verify("secret"u8));
        Assert.False(PasswordHash.Parse(bcrypt)!.Verify("nope"u8));
        Assert.Null(PasswordHash.Parse("plaintext"));
        Assert.Null(PasswordHash.Parse("rqXexS6ZhobKA"));
    }
}
