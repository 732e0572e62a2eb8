using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests;

/// <summary>Asserts a diagnostic exactly: severity, field path, line, column and a fragment of the message.</summary>
internal static class DiagnosticAssert
{
    /// <summary>The diagnostics hold exactly this one problem and nothing else.</summary>
    public static Diagnostic Single(IEnumerable<Diagnostic> diagnostics, DiagnosticSeverity severity, string fieldPath, int line, int column, string messageFragment)
    {
        var all = diagnostics.ToList();
        Assert.True(all.Count == 1, $"expected exactly one diagnostic, got {all.Count}:\n{Describe(all)}");
        return Check(all[0], severity, fieldPath, line, column, messageFragment);
    }

    /// <summary>Exactly one of the diagnostics is at this field path, and it is this problem.</summary>
    public static Diagnostic At(IEnumerable<Diagnostic> diagnostics, DiagnosticSeverity severity, string fieldPath, int line, int column, string messageFragment)
    {
        var all = diagnostics.ToList();
        var atPath = all.Where(d => d.FieldPath == fieldPath).ToList();
        Assert.True(atPath.Count == 1, $"expected exactly one diagnostic at '{fieldPath}', got {atPath.Count}:\n{Describe(all)}");
        return Check(atPath[0], severity, fieldPath, line, column, messageFragment);
    }

    public static void NoneAt(IEnumerable<Diagnostic> diagnostics, string fieldPath)
    {
        var all = diagnostics.ToList();
        Assert.True(all.All(d => d.FieldPath != fieldPath), $"expected no diagnostic at '{fieldPath}', got:\n{Describe(all)}");
    }

    public static void Empty(IEnumerable<Diagnostic> diagnostics)
    {
        var all = diagnostics.ToList();
        Assert.True(all.Count == 0, $"expected no diagnostics, got:\n{Describe(all)}");
    }

    private static Diagnostic Check(Diagnostic diagnostic, DiagnosticSeverity severity, string fieldPath, int line, int column, string messageFragment)
    {
        Assert.Equal(fieldPath, diagnostic.FieldPath);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(new SourcePosition(line, column), diagnostic.Position);
        Assert.Contains(messageFragment, diagnostic.Message, StringComparison.Ordinal);
        return diagnostic;
    }

    private static string Describe(IEnumerable<Diagnostic> diagnostics) => string.Join('\n', diagnostics);
}
