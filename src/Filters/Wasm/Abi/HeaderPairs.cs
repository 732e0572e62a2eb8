using System.Buffers.Binary;
using System.Text;

namespace Sluice.Filters.Wasm.Abi;

/// <summary>
/// The serialized header map of proxy-wasm, laid out as the C++ host does: the pair count (u32 LE), then each pair's
/// key and value sizes (u32 LE each), then each key and value, every one followed by a NUL byte.
/// </summary>
internal static class HeaderPairs
{
    public static int SerializedSize(List<KeyValuePair<string, string>> pairs)
    {
        var size = 4;
        foreach (var (key, value) in pairs)
        {
            size += 8 + Encoding.UTF8.GetByteCount(key) + 1 + Encoding.UTF8.GetByteCount(value) + 1;
        }

        return size;
    }

    public static void Write(List<KeyValuePair<string, string>> pairs, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)pairs.Count);
        var sizes = destination[4..];
        var data = destination[(4 + (pairs.Count * 8))..];
        foreach (var (key, value) in pairs)
        {
            var keyLength = Encoding.UTF8.GetBytes(key, data);
            data[keyLength] = 0;
            data = data[(keyLength + 1)..];
            var valueLength = Encoding.UTF8.GetBytes(value, data);
            data[valueLength] = 0;
            data = data[(valueLength + 1)..];
            BinaryPrimitives.WriteUInt32LittleEndian(sizes, (uint)keyLength);
            BinaryPrimitives.WriteUInt32LittleEndian(sizes[4..], (uint)valueLength);
            sizes = sizes[8..];
        }
    }

    public static byte[] Serialize(List<KeyValuePair<string, string>> pairs)
    {
        var bytes = new byte[SerializedSize(pairs)];
        Write(pairs, bytes);
        return bytes;
    }

    /// <summary>Parses a serialized map; false when the sizes do not fit the data (the C++ host's parse failure).</summary>
    public static bool TryParse(ReadOnlySpan<byte> source, List<KeyValuePair<string, string>> pairs)
    {
        if (source.Length == 0)
        {
            return true;
        }

        if (source.Length < 4)
        {
            return false;
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(source);
        if (count > (source.Length - 4) / 8)
        {
            return false;
        }

        var sizes = source[4..];
        var data = source[(4 + ((int)count * 8))..];
        for (var i = 0; i < count; i++)
        {
            var keyLength = BinaryPrimitives.ReadUInt32LittleEndian(sizes);
            var valueLength = BinaryPrimitives.ReadUInt32LittleEndian(sizes[4..]);
            sizes = sizes[8..];
            if ((long)keyLength + 1 + valueLength + 1 > data.Length)
            {
                return false;
            }

            var key = Encoding.UTF8.GetString(data[..(int)keyLength]);
            data = data[((int)keyLength + 1)..];
            var value = Encoding.UTF8.GetString(data[..(int)valueLength]);
            data = data[((int)valueLength + 1)..];
            pairs.Add(new(key, value));
        }

        return true;
    }
}
