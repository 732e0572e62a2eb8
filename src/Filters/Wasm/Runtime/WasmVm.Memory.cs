using System.Buffers.Binary;
using System.Text;
using Sluice.Filters.Wasm.Abi;

namespace Sluice.Filters.Wasm.Runtime;

/// <summary>Reading and writing the guest's linear memory, with the bounds checks the ABI's InvalidMemoryAccess reports.</summary>
internal sealed partial class WasmVm
{
    internal Span<byte> Bytes(int pointer, int length)
    {
        var address = (uint)pointer;
        var size = (uint)length;
        if ((ulong)address + size > (ulong)_memory.GetLength())
        {
            throw new GuestMemoryException();
        }

        return size == 0 ? [] : _memory.GetSpan(address, (int)size);
    }

    internal string String(int pointer, int length) => length == 0 ? string.Empty : Encoding.UTF8.GetString(Bytes(pointer, length));

    internal void WriteU32(int pointer, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Bytes(pointer, 4), value);

    internal void WriteU64(int pointer, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Bytes(pointer, 8), value);

    /// <summary>Allocates in the guest with its <c>malloc</c> or <c>proxy_on_memory_allocate</c>; 0 when it has neither.</summary>
    internal int Allocate(int size)
    {
        if (_malloc is null)
        {
            throw new GuestMemoryException();
        }

        var pointer = _malloc(size);
        if (pointer == 0 && size > 0)
        {
            throw new GuestMemoryException();
        }

        return pointer;
    }

    /// <summary>
    /// Copies <paramref name="data"/> into memory the guest allocates and stores its address and size, as the C++
    /// host's <c>copyToPointerSize</c>: nothing is allocated for empty data and the address written is 0.
    /// </summary>
    internal WasmResult CopyOut(ReadOnlySpan<byte> data, int pointerPointer, int sizePointer)
    {
        var pointer = 0;
        if (data.Length > 0)
        {
            pointer = Allocate(data.Length);
            data.CopyTo(Bytes(pointer, data.Length));
        }

        WriteU32(pointerPointer, (uint)pointer);
        WriteU32(sizePointer, (uint)data.Length);
        return WasmResult.Ok;
    }

    internal WasmResult CopyOut(string text, int pointerPointer, int sizePointer)
    {
        if (text.Length <= 256)
        {
            Span<byte> small = stackalloc byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
            var written = Encoding.UTF8.GetBytes(text, small);
            return CopyOut(small[..written], pointerPointer, sizePointer);
        }

        return CopyOut(Encoding.UTF8.GetBytes(text), pointerPointer, sizePointer);
    }
}

/// <summary>A pointer and size the guest passed fall outside its memory.</summary>
internal sealed class GuestMemoryException : Exception;
