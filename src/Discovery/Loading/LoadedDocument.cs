using Sluice.Discovery.Model;

namespace Sluice.Discovery.Loading;

/// <summary>
/// The outcome of loading one YAML document: its identity when it could be read, the resource when it bound, and
/// every problem found. A document with errors still carries its identity, so its last good version can serve.
/// </summary>
public sealed record LoadedDocument(ResourceId? Id, Resource? Resource, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>Files outside the YAML that the document's options load (Wasm modules); a change to one reloads the document.</summary>
    public IReadOnlyList<string> ReferencedFiles { get; init; } = [];
}

/// <summary>Every document of one file; <see cref="Unreadable"/> when part of the file could not be attributed to a resource.</summary>
public sealed record LoadedFile(string Path, string Text, IReadOnlyList<LoadedDocument> Documents, bool Unreadable);
