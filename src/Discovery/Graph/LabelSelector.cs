using System.Globalization;
using Sluice.Discovery.Model;

namespace Sluice.Discovery.Graph;

/// <summary>Gloo's label selection: all <c>labels</c> equal, and every expression true.</summary>
public static class LabelSelector
{
    public static bool Matches(IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string> required, IReadOnlyList<LabelExpression> expressions)
    {
        foreach (var (key, value) in required)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        foreach (var expression in expressions)
        {
            var present = labels.TryGetValue(expression.Key, out var actual);
            var matches = expression.Operator switch
            {
                "Equals" or "=" or "DoubleEquals" or "==" => present && expression.Values.Contains(actual!),
                "NotEquals" or "!=" or "NotIn" or "notin" => !present || !expression.Values.Contains(actual!),
                "In" or "in" => present && expression.Values.Contains(actual!),
                "Exists" or "exists" => present,
                "DoesNotExist" or "!" => !present,
                "GreaterThan" or "gt" => present && Compare(actual!, expression.Values) > 0,
                "LessThan" or "lt" => present && Compare(actual!, expression.Values) < 0,
                _ => false,
            };
            if (!matches)
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsKnownOperator(string op) => op is "Equals" or "=" or "DoubleEquals" or "==" or "NotEquals" or "!="
        or "NotIn" or "notin" or "In" or "in" or "Exists" or "exists" or "DoesNotExist" or "!" or "GreaterThan" or "gt"
        or "LessThan" or "lt";

    private static int Compare(string actual, IReadOnlyList<string> values) =>
        values.Count == 1 && long.TryParse(actual, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var a)
            && long.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var b)
            ? a.CompareTo(b) : 0;
}
