using System.Collections.Concurrent;

namespace Sluice.Gateway.Upstreams;

/// <summary>
/// The long-lived runtime state of one upstream, shared by every snapshot's cluster of that name: its endpoints'
/// states by address, the circuit breakers' counters (so requests admitted under the previous snapshot still count
/// after a reload), the number of endpoints ejected, and a version that changes whenever an endpoint's availability
/// does, which tells each cluster to rebuild its set of candidates.
/// </summary>
internal sealed class UpstreamState
{
    private readonly ConcurrentDictionary<string, EndpointState> _endpoints = new(StringComparer.Ordinal);
    private int _healthVersion;
    private PaddedCounter _requests;
    private PaddedCounter _retries;
    private int _ejected;
    private int _hadTraffic;
    private int _built;

    public UpstreamState(string name)
    {
        Name = name;
    }

    public string Name { get; }

    /// <summary>Changes whenever an endpoint is ejected, returns, or changes active health.</summary>
    public int HealthVersion => Volatile.Read(ref _healthVersion);

    /// <summary>Requests in flight (admitted by the circuit breaker and not yet exited).</summary>
    public int RequestsInFlight => Volatile.Read(ref _requests.Value);

    /// <summary>Retries in flight.</summary>
    public int RetriesInFlight => Volatile.Read(ref _retries.Value);

    /// <summary>Endpoints ejected by outlier detection right now.</summary>
    public int EjectedCount => Volatile.Read(ref _ejected);

    /// <summary>Whether any request was ever sent to this upstream (Envoy's no-traffic health check interval ends then).</summary>
    public bool HadTraffic => Volatile.Read(ref _hadTraffic) != 0;

    public ICollection<EndpointState> Endpoints => _endpoints.Values;

    /// <summary>
    /// The state of <paramref name="address"/>, created on first sight. Endpoints present when the upstream first
    /// appears are not in slow start (there is nothing to protect them from); later ones start at <paramref name="now"/>.
    /// </summary>
    public EndpointState Endpoint(string address, long now) =>
        _endpoints.GetOrAdd(address, static (a, arg) => new EndpointState(arg.State, a, arg.Built ? arg.Now : long.MinValue), (State: this, Now: now, Built: Volatile.Read(ref _built) != 0));

    /// <summary>Marks the first cluster of this upstream as built: endpoints that appear from now on are new.</summary>
    public void MarkBuilt() => Volatile.Write(ref _built, 1);

    public void HealthChanged() => Interlocked.Increment(ref _healthVersion);

    public void MarkTraffic()
    {
        if (Volatile.Read(ref _hadTraffic) == 0)
        {
            Volatile.Write(ref _hadTraffic, 1);
        }
    }

    public int EnterRequest() => Interlocked.Increment(ref _requests.Value);

    public void ExitRequest() => Interlocked.Decrement(ref _requests.Value);

    public int EnterRetry() => Interlocked.Increment(ref _retries.Value);

    public void ExitRetry() => Interlocked.Decrement(ref _retries.Value);

    /// <summary>Counts one more ejection if that keeps ejected endpoints within <paramref name="maxEjectionPercent"/> of <paramref name="endpointCount"/>.</summary>
    public bool TryCountEjection(int endpointCount, int maxEjectionPercent)
    {
        var current = Volatile.Read(ref _ejected);
        while (true)
        {
            // Envoy (since 1.27) checks the percentage the ejection would reach: 10% of 2 endpoints ejects none.
            if ((long)(current + 1) * 100 > (long)maxEjectionPercent * endpointCount)
            {
                return false;
            }

            var seen = Interlocked.CompareExchange(ref _ejected, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }
    }

    /// <summary>An ejection ended (or was never made after being counted).</summary>
    public void EjectionEnded() => Interlocked.Decrement(ref _ejected);

    /// <summary>Forgets endpoints whose address is no longer configured; an ejected one gives its ejection back.</summary>
    public void Retain(HashSet<string> addresses)
    {
        foreach (var (address, state) in _endpoints)
        {
            if (addresses.Contains(address) || !_endpoints.TryRemove(address, out _))
            {
                continue;
            }

            state.Forget();
            HealthChanged();
        }
    }
}
