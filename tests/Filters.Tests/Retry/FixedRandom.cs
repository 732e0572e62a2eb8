namespace Sluice.Filters.Tests.Retry;

/// <summary>A random source that always draws the same point of its range: 0 is the bottom, 1 just below the top.</summary>
internal sealed class FixedRandom(double point) : Random
{
    public override double NextDouble() => point;

    public override long NextInt64(long maxValue) => Math.Min(maxValue - 1, (long)(point * maxValue));

    public override int Next(int maxValue) => (int)NextInt64(maxValue);
}
