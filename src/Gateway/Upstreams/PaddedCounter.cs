using System.Runtime.InteropServices;

namespace Sluice.Gateway.Upstreams;

/// <summary>
/// A counter on a cache line of its own. The circuit breakers' counters are written by every request; without the
/// padding they would share a line with fields every pick reads (the health version) and slow those reads down.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedCounter
{
    [FieldOffset(64)]
    public int Value;
}
