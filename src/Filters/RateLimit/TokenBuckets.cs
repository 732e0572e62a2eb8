using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Threading.RateLimiting;

namespace Sluice.Filters.RateLimit;

/// <summary>
/// The long-lived buckets of one <c>httpLocalRatelimit</c> scope (kept in the <see cref="FilterStateStore"/>, so an
/// unchanged config keeps its buckets across reloads). Unkeyed: one <see cref="TokenBucketRateLimiter"/>. Keyed: a
/// <see cref="PartitionedRateLimiter{TResource}"/> over at most <c>maxKeys</c> partitions; a key picks its partition by a
/// hash seeded per process, so memory is bounded whatever clients send, and the runtime disposes a partition once its
/// bucket has been full (idle) for a while. Past <c>maxKeys</c> distinct active keys some share a bucket: stricter,
/// never looser.
/// </summary>
internal sealed class TokenBuckets : IDisposable
{
    private readonly TokenBucketRateLimiter? _single;
    private readonly PartitionedRateLimiter<int>? _partitioned;
    private readonly uint _partitions;
    private readonly long _seed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8));

    public TokenBuckets(uint maxTokens, uint tokensPerFill, TimeSpan fillInterval, uint? partitions)
    {
        MaxTokens = (int)maxTokens;
        FillInterval = fillInterval;
        if (partitions is { } count)
        {
            _partitions = count;
            var options = Options(maxTokens, tokensPerFill, fillInterval, autoReplenishment: false);

            // The partitioned limiter replenishes every partition from one shared timer, honouring each period.
            _partitioned = PartitionedRateLimiter.Create<int, int>(partition => RateLimitPartition.GetTokenBucketLimiter(partition, _ => options));
        }
        else
        {
            _single = new TokenBucketRateLimiter(Options(maxTokens, tokensPerFill, fillInterval, autoReplenishment: true));
        }
    }

    public int MaxTokens { get; }

    public TimeSpan FillInterval { get; }

    /// <summary>Takes one token for <paramref name="key"/> (ignored when unkeyed); the lease says whether it got one.</summary>
    public RateLimitLease Acquire(ReadOnlySpan<byte> key, out long remaining)
    {
        if (_single is not null)
        {
            var lease = _single.AttemptAcquire(1);
            remaining = _single.GetStatistics()?.CurrentAvailablePermits ?? 0;
            return lease;
        }

        var partition = (int)(XxHash3.HashToUInt64(key, _seed) % _partitions);
        var partitioned = _partitioned!.AttemptAcquire(partition, 1);
        remaining = _partitioned.GetStatistics(partition)?.CurrentAvailablePermits ?? 0;
        return partitioned;
    }

    public RateLimitLease Acquire(string key, out long remaining) => Acquire(MemoryMarshal.AsBytes(key.AsSpan()), out remaining);

    public void Dispose()
    {
        _single?.Dispose();
        _partitioned?.Dispose();
    }

    private static TokenBucketRateLimiterOptions Options(uint maxTokens, uint tokensPerFill, TimeSpan fillInterval, bool autoReplenishment) => new()
    {
        TokenLimit = (int)maxTokens,
        TokensPerPeriod = (int)tokensPerFill,
        ReplenishmentPeriod = fillInterval,
        AutoReplenishment = autoReplenishment,
        QueueLimit = 0,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    };
}
