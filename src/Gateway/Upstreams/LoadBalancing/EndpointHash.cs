using System.IO.Hashing;
using System.Text;

namespace Sluice.Gateway.Upstreams.LoadBalancing;

/// <summary>Stable 64-bit hashes of endpoint addresses for the hash rings; computed only when a ring or table is built.</summary>
internal static class EndpointHash
{
    public static ulong Of(string text, long seed = 0) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text), seed);
}
