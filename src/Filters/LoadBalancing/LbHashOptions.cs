namespace Sluice.Filters.LoadBalancing;

/// <summary>
/// Gloo's route option <c>lbHash</c> (RouteActionHashConfig): how to compute the request's hash key for the ring hash
/// and Maglev load balancers. Policies run in order; see <see cref="LbHashFilter"/> for how their hashes combine.
/// </summary>
public sealed record LbHashOptions
{
    public IReadOnlyList<HashPolicy> HashPolicies { get; init; } = [];
}

/// <summary>One element of the hash: exactly one of a header, a cookie, or the client's IP address.</summary>
public sealed record HashPolicy
{
    /// <summary>Hash this request header's value.</summary>
    public string? Header { get; init; }

    /// <summary>Hash this cookie's value (and, with a ttl, create the cookie when it is missing).</summary>
    public HashCookie? Cookie { get; init; }

    /// <summary>Hash the client's IP address.</summary>
    public bool SourceIp { get; init; }

    /// <summary>If this policy produced a value, stop: later policies are not evaluated.</summary>
    public bool Terminal { get; init; }
}

public sealed record HashCookie
{
    [RequiredField]
    public string Name { get; init; } = string.Empty;

    /// <summary>When set and the cookie is absent, the gateway generates one with this lifetime (0: a session cookie).</summary>
    public TimeSpan? Ttl { get; init; }

    /// <summary>The generated cookie's Path; none when unset.</summary>
    public string? Path { get; init; }
}
