namespace Sluice.Gateway.Upstreams;

/// <summary>
/// The long-lived runtime state of one endpoint (one address of one upstream): attempts in flight, the outlier
/// detector's consecutive-failure counters and ejection, and the active health check's verdict. It outlives config
/// snapshots, so a reload that keeps the address keeps its ejection and health; it is forgotten when the address
/// leaves the upstream. Every member is lock-free: the request path reads and counts here on every attempt.
/// </summary>
internal sealed class EndpointState
{
    private const int HealthUnverified = 0;
    private const int HealthHealthy = 1;
    private const int HealthUnhealthy = 2;

    private int _activeRequests;
    private int _consecutive5xx;
    private int _consecutiveGatewayFailures;
    private int _consecutiveLocalOriginFailures;
    private long _ejectedUntil;
    private int _ejectionMultiplier;
    private int _health;
    private int _checkFailures;
    private int _checkSuccesses;
    private long _servingSince;
    private int _forgotten;
    private long _lastReturned;

    public EndpointState(UpstreamState owner, string address, long servingSince)
    {
        Owner = owner;
        Address = address;
        _servingSince = servingSince;
    }

    /// <summary>The upstream this endpoint belongs to; health changes bump its version so selections are rebuilt.</summary>
    public UpstreamState Owner { get; }

    public string Address { get; }

    /// <summary>Attempts sent to this endpoint that have not reported their outcome yet (least-request's measure).</summary>
    public int ActiveRequests => Volatile.Read(ref _activeRequests);

    /// <summary>Timestamp (of the upstream's <see cref="TimeProvider"/>) from which slow start ramps this endpoint up.</summary>
    public long ServingSince => Volatile.Read(ref _servingSince);

    /// <summary>When the current ejection ends (a timestamp), or 0 when the endpoint is not ejected.</summary>
    public long EjectedUntil => Volatile.Read(ref _ejectedUntil);

    /// <summary>How many ejections in a row the next ejection's length is multiplied by (Envoy's num_ejections).</summary>
    public int EjectionMultiplier => Volatile.Read(ref _ejectionMultiplier);

    /// <summary>Whether the active health check has found this endpoint unhealthy.</summary>
    public bool IsUnhealthy => Volatile.Read(ref _health) == HealthUnhealthy;

    /// <summary>Whether the active health check has given any verdict yet.</summary>
    public bool IsHealthVerified => Volatile.Read(ref _health) != HealthUnverified;

    /// <summary>Whether the address left the upstream; a request still holding this state must not eject it.</summary>
    public bool IsForgotten => Volatile.Read(ref _forgotten) != 0;

    public bool IsEjected(long now)
    {
        var until = Volatile.Read(ref _ejectedUntil);
        return until != 0 && now < until;
    }

    public void BeginAttempt() => Interlocked.Increment(ref _activeRequests);

    public void EndAttempt()
    {
        // An outcome reported twice must not drive the count below zero and starve least-request of this endpoint.
        var current = Volatile.Read(ref _activeRequests);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _activeRequests, current - 1, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    public int Record5xx() => Interlocked.Increment(ref _consecutive5xx);

    public int RecordGatewayFailure() => Interlocked.Increment(ref _consecutiveGatewayFailures);

    public int RecordLocalOriginFailure() => Interlocked.Increment(ref _consecutiveLocalOriginFailures);

    // Resets write only when needed: a successful response is the common case and must not bounce the cache line.
    public void Reset5xx() => ResetCounter(ref _consecutive5xx);

    public void ResetGatewayFailures() => ResetCounter(ref _consecutiveGatewayFailures);

    public void ResetLocalOriginFailures() => ResetCounter(ref _consecutiveLocalOriginFailures);

    /// <summary>Ejects until <paramref name="until"/> unless already ejected; the winner of a race bumps the multiplier.</summary>
    public bool TryEject(long until)
    {
        var current = Volatile.Read(ref _ejectedUntil);
        if (current != 0 || Interlocked.CompareExchange(ref _ejectedUntil, until, 0) != 0)
        {
            return false;
        }

        Interlocked.Increment(ref _ejectionMultiplier);
        Owner.HealthChanged();
        return true;
    }

    /// <summary>Ends an ejection whose time has passed; true for the one caller that did it.</summary>
    public bool TryReturn(long now)
    {
        var until = Volatile.Read(ref _ejectedUntil);
        if (until == 0 || now < until || Interlocked.CompareExchange(ref _ejectedUntil, 0, until) != until)
        {
            return false;
        }

        Volatile.Write(ref _lastReturned, now);
        Owner.EjectionEnded();
        Owner.HealthChanged();
        return true;
    }

    /// <summary>
    /// Envoy lowers the multiplier by one at each sweep once an endpoint has stayed un-ejected for a base ejection time
    /// since it last returned, so an endpoint that keeps failing is ejected for longer and one that recovered is forgiven.
    /// </summary>
    public void DecayEjectionMultiplier(long now, long baseEjectionTicks)
    {
        var current = Volatile.Read(ref _ejectionMultiplier);
        if (current > 0 && Volatile.Read(ref _ejectedUntil) == 0 && now - Volatile.Read(ref _lastReturned) >= baseEjectionTicks)
        {
            Interlocked.CompareExchange(ref _ejectionMultiplier, current - 1, current);
        }
    }

    /// <summary>A passed active check. Returns true when this flipped the endpoint back to healthy.</summary>
    public bool RecordCheckSuccess(int healthyThreshold, long now)
    {
        Volatile.Write(ref _checkFailures, 0);
        switch (Volatile.Read(ref _health))
        {
            case HealthUnverified:
                // Envoy: at start-up a single passed check is enough.
                Volatile.Write(ref _health, HealthHealthy);
                return false;
            case HealthHealthy:
                return false;
        }

        if (Interlocked.Increment(ref _checkSuccesses) < healthyThreshold
            || Interlocked.CompareExchange(ref _health, HealthHealthy, HealthUnhealthy) != HealthUnhealthy)
        {
            return false;
        }

        Volatile.Write(ref _checkSuccesses, 0);
        Volatile.Write(ref _servingSince, now);
        Owner.HealthChanged();
        return true;
    }

    /// <summary>
    /// A failed active check. <paramref name="immediate"/> failures (an unexpected status) flip a healthy endpoint at once,
    /// as Envoy does; network failures and timeouts count towards <paramref name="unhealthyThreshold"/>. An endpoint whose
    /// first check fails is unhealthy at once: it was only assumed healthy. Returns true when this flipped it.
    /// </summary>
    public bool RecordCheckFailure(int unhealthyThreshold, bool immediate)
    {
        Volatile.Write(ref _checkSuccesses, 0);
        var health = Volatile.Read(ref _health);
        if (health == HealthUnhealthy)
        {
            return false;
        }

        var failures = Interlocked.Increment(ref _checkFailures);
        if (health == HealthHealthy && !immediate && failures < unhealthyThreshold)
        {
            return false;
        }

        if (Interlocked.CompareExchange(ref _health, HealthUnhealthy, health) != health)
        {
            return false;
        }

        Volatile.Write(ref _checkFailures, 0);
        Owner.HealthChanged();
        return true;
    }

    /// <summary>Forgets the active check's verdict (the upstream's health check was removed from its config).</summary>
    public void ClearHealth()
    {
        if (Interlocked.Exchange(ref _health, HealthUnverified) == HealthUnhealthy)
        {
            Owner.HealthChanged();
        }

        Volatile.Write(ref _checkFailures, 0);
        Volatile.Write(ref _checkSuccesses, 0);
    }

    /// <summary>Called when the address leaves the configuration: an ejection it held no longer counts.</summary>
    public void Forget()
    {
        Volatile.Write(ref _forgotten, 1);
        if (Interlocked.Exchange(ref _ejectedUntil, 0) != 0)
        {
            Owner.EjectionEnded();
        }
    }

    private static void ResetCounter(ref int counter)
    {
        if (Volatile.Read(ref counter) != 0)
        {
            Volatile.Write(ref counter, 0);
        }
    }
}
