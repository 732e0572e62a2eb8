namespace Sluice.Filters;

/// <summary>What a request-side filter decided.</summary>
public enum FilterVerdict
{
    /// <summary>Run the next filter, then forward.</summary>
    Continue = 0,

    /// <summary>The filter wrote the response itself; nothing further runs and nothing is forwarded.</summary>
    Handled = 1,
}
