using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sluice.Discovery.Schema;

/// <summary>
/// Writes a tree of ordered maps, lists and scalars as block YAML, byte for byte the same on every run and platform
/// (LF line ends, fixed indentation), so generated manifests can be compared with the committed ones.
/// </summary>
internal static partial class YamlText
{
    // JSON's string form is valid YAML double-quoted; relaxed escaping keeps quotes and apostrophes readable.
    private static readonly JsonSerializerOptions Quoting = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(OrderedDictionary<string, object> root)
    {
        var text = new StringBuilder();
        WriteMap(text, root, indent: 0, firstLinePrefixed: false);
        return text.ToString();
    }

    private static void WriteMap(StringBuilder text, OrderedDictionary<string, object> map, int indent, bool firstLinePrefixed)
    {
        var first = true;
        foreach (var (key, value) in map)
        {
            if (!(first && firstLinePrefixed))
            {
                text.Append(' ', indent);
            }

            first = false;
            text.Append(Scalar(key)).Append(':');
            WriteValue(text, value, indent);
        }
    }

    private static void WriteValue(StringBuilder text, object value, int indent)
    {
        switch (value)
        {
            case OrderedDictionary<string, object> { Count: 0 }:
                text.Append(" {}\n");
                break;
            case OrderedDictionary<string, object> child:
                text.Append('\n');
                WriteMap(text, child, indent + 2, firstLinePrefixed: false);
                break;
            case List<object> { Count: 0 }:
                text.Append(" []\n");
                break;
            case List<object> list:
                text.Append('\n');
                WriteList(text, list, indent);
                break;
            default:
                text.Append(' ').Append(Scalar(value)).Append('\n');
                break;
        }
    }

    /// <summary>List items sit at their key's indentation, as kubectl writes them.</summary>
    private static void WriteList(StringBuilder text, List<object> list, int indent)
    {
        foreach (var item in list)
        {
            text.Append(' ', indent).Append("- ");
            switch (item)
            {
                case OrderedDictionary<string, object> { Count: > 0 } map:
                    WriteMap(text, map, indent + 2, firstLinePrefixed: true);
                    break;
                case OrderedDictionary<string, object> or List<object>:
                    throw new NotSupportedException("empty maps and nested lists are not used in list items");
                default:
                    text.Append(Scalar(item)).Append('\n');
                    break;
            }
        }
    }

    private static string Scalar(object value) => value switch
    {
        string s => PlainSafe().IsMatch(s) && !Reserved(s) ? s : JsonSerializer.Serialize(s, Quoting),
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => throw new NotSupportedException($"no YAML form for {value.GetType()}"),
    };

    /// <summary>Words YAML 1.1 readers (kubectl's included) would take for a boolean, null or number.</summary>
    private static bool Reserved(string s) =>
        s.ToLowerInvariant() is "true" or "false" or "yes" or "no" or "on" or "off" or "y" or "n" or "null" or "~"
        || double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    [GeneratedRegex(@"^[A-Za-z_/][A-Za-z0-9_./\-]*$")]
    private static partial Regex PlainSafe();
}
