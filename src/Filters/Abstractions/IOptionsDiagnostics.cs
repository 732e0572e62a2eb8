namespace Sluice.Filters;

/// <summary>
/// Where a filter's options validation reports problems. Paths are relative to the option's own field
/// (empty for the field itself), so a filter never needs to know where in the resource it sits.
/// </summary>
public interface IOptionsDiagnostics
{
    void Error(string relativePath, string message);

    void Warning(string relativePath, string message);
}
