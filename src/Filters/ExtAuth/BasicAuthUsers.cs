namespace Sluice.Filters.ExtAuth;

/// <summary>Gathers a basicAuth step's users from Gloo's <c>apr</c> list, Secrets and an htpasswd file.</summary>
internal static class BasicAuthUsers
{
    public const string UsernameKey = "username";
    public const string PasswordKey = "password";
    public const string HtpasswdKey = "htpasswd";

    public static Dictionary<string, PasswordHash> Collect(BasicAuthConfig config, string ns, FilterCompileContext context)
    {
        var users = new Dictionary<string, PasswordHash>(StringComparer.Ordinal);
        foreach (var (user, hashed) in config.Apr?.Users ?? new Dictionary<string, SaltedHashedPassword>())
        {
            users[user] = new PasswordHash.Apr1Hash(hashed.Salt, hashed.HashedPassword);
        }

        foreach (var reference in config.UserSecretRefs)
        {
            if (!context.TryGetSecret(reference.Name, string.IsNullOrEmpty(reference.Namespace) ? ns : reference.Namespace, out var secret))
            {
                continue;
            }

            if (secret.TryGetString(HtpasswdKey, out var htpasswd))
            {
                AddHtpasswd(users, htpasswd);
            }

            if (secret.TryGetString(UsernameKey, out var user) && secret.TryGetBytes(PasswordKey, out var password) && user.Length > 0)
            {
                // kubernetes.io/basic-auth holds the password itself; a value that is an htpasswd hash is used as one.
                var text = System.Text.Encoding.UTF8.GetString(password);
                users[user] = PasswordHash.Parse(text) ?? new PasswordHash.Plain(password);
            }
        }

        if (config.HtpasswdFile is { Length: > 0 } file)
        {
            try
            {
                AddHtpasswd(users, File.ReadAllText(file));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // No users from an unreadable file: those users are refused, nobody is let in.
            }
        }

        return users;
    }

    /// <summary>Lines of <c>user:hash</c>; blank lines and <c>#</c> comments skipped, unknown hash formats ignored.</summary>
    private static void AddHtpasswd(Dictionary<string, PasswordHash> users, string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }

            if (PasswordHash.Parse(line[(colon + 1)..]) is { } hash)
            {
                users[line[..colon]] = hash;
            }
        }
    }
}
