using System.Security.Cryptography;
using Sluice.Discovery.Graph;
using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tls;

/// <summary>
/// The raw PEM text behind one <c>secretRef</c> or <c>sslFiles</c>, read fresh for every snapshot, with a digest of
/// it: a certificate is parsed again only when its bytes change, and a file rewritten in place is noticed whatever
/// its modification time says.
/// </summary>
public sealed class TlsSource
{
    private TlsSource(string description, byte[]? certificate, byte[]? key, byte[]? rootCa, IReadOnlyList<string> files)
    {
        Description = description;
        Certificate = certificate;
        Key = key;
        RootCa = rootCa;
        Files = files;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in (ReadOnlySpan<byte[]?>)[certificate, key, rootCa])
        {
            hash.AppendData(BitConverter.GetBytes(part?.Length ?? -1));
            hash.AppendData(part ?? []);
        }

        Digest = Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>Where the material comes from, for messages: <c>Secret default/web-tls</c> or <c>sslFiles</c>.</summary>
    public string Description { get; }

    public byte[]? Certificate { get; }

    public byte[]? Key { get; }

    public byte[]? RootCa { get; }

    /// <summary>The files read (empty for a Secret), so a watcher can notice when they change.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>SHA-256 over everything read: equal digests mean the same material.</summary>
    public string Digest { get; }

    /// <summary>Reads the material a <c>secretRef</c> or <c>sslFiles</c> names; the problem in words when it cannot.</summary>
    public static TlsSource? Read(ResourceRef? secretRef, SslFiles? files, string ownerNamespace, ResourceIndex index, out string? problem)
    {
        problem = null;
        if (secretRef is not null)
        {
            var id = secretRef.Resolve(ResourceKind.Secret, ownerNamespace);
            var description = $"Secret {id.Namespace}/{id.Name}";
            if (index.Get<Secret>(id) is not { } secret)
            {
                problem = index.Defined.Contains(id)
                    ? $"{description} is rejected (see its own status) and has no accepted version"
                    : $"{description} does not exist";
                return null;
            }

            // Values never reach a message: only key names do.
            return new TlsSource(
                description,
                secret.Spec.TryGetBytes(SecretSpec.TlsCertificateKey, out var certificate) ? certificate : null,
                secret.Spec.TryGetBytes(SecretSpec.TlsPrivateKeyKey, out var key) ? key : null,
                secret.Spec.TryGetBytes(SecretSpec.CaCertificateKey, out var ca) ? ca : null,
                []);
        }

        if (files is null)
        {
            problem = "neither secretRef nor sslFiles is set";
            return null;
        }

        var read = new List<string>(3);
        var certificateBytes = ReadFile(files.TlsCert, "tlsCert", read, ref problem);
        var keyBytes = ReadFile(files.TlsKey, "tlsKey", read, ref problem);
        var rootBytes = ReadFile(files.RootCa, "rootCa", read, ref problem);
        return problem is null ? new TlsSource("sslFiles", certificateBytes, keyBytes, rootBytes, read) : null;
    }

    private static byte[]? ReadFile(string? path, string field, List<string> read, ref string? problem)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        read.Add(Path.GetFullPath(path));
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problem ??= ex is FileNotFoundException or DirectoryNotFoundException
                ? $"sslFiles.{field}: file '{path}' does not exist"
                : $"sslFiles.{field}: file '{path}' cannot be read ({ex.Message})";
            return null;
        }
    }
}
