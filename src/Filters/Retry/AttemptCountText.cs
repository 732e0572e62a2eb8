using System.Globalization;

namespace Sluice.Filters.Retry;

/// <summary>Attempt numbers as header values, without formatting for the usual small counts.</summary>
internal static class AttemptCountText
{
    private static readonly string[] Small = [.. Enumerable.Range(0, 16).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    public static string Of(int count) => (uint)count < (uint)Small.Length ? Small[count] : count.ToString(CultureInfo.InvariantCulture);
}
