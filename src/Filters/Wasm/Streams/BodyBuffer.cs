using Sluice.Filters.Wasm.Abi;

namespace Sluice.Filters.Wasm.Streams;

/// <summary>
/// A body buffer the guest reads and writes with <c>proxy_get_buffer_bytes</c> / <c>proxy_set_buffer_bytes</c>: the
/// current chunk, or everything buffered so far while the filter asks to buffer.
/// </summary>
internal sealed class BodyBuffer
{
    private byte[] _data = [];

    public int Length { get; private set; }

    /// <summary>Whether the guest changed the content since it was last loaded.</summary>
    public bool Modified { get; private set; }

    public ReadOnlySpan<byte> Content => _data.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _data.AsMemory(0, Length);

    public void Load(ReadOnlySpan<byte> content)
    {
        Length = 0;
        Append(content);
        Modified = false;
    }

    public void Append(ReadOnlySpan<byte> content)
    {
        if (Length + content.Length > _data.Length)
        {
            Array.Resize(ref _data, Math.Max(Length + content.Length, Math.Max(_data.Length * 2, 256)));
        }

        content.CopyTo(_data.AsSpan(Length));
        Length += content.Length;
    }

    public void Clear()
    {
        Length = 0;
        Modified = false;
    }

    /// <summary>Envoy's <c>setBuffer</c>: prepend at 0/0, replace all from 0 when the length covers it, append past the end.</summary>
    public WasmResult Set(int start, int length, ReadOnlySpan<byte> data)
    {
        if (start == 0 && length == 0)
        {
            var old = Content.ToArray();
            Length = 0;
            Append(data);
            Append(old);
        }
        else if (start == 0 && length >= Length)
        {
            Length = 0;
            Append(data);
        }
        else if (start >= Length)
        {
            Append(data);
        }
        else
        {
            return WasmResult.BadArgument;
        }

        Modified = true;
        return WasmResult.Ok;
    }
}
