namespace Sluice.Filters.Retry;

/// <summary>
/// <c>options.retries</c>: Envoy's route retry policy as Gloo exposes it, on a virtual host, route or weighted
/// destination (the most specific wins whole). The filter only hands the compiled policy to the forwarding loop, which
/// wraps YARP's forwarder so that every attempt can go to another endpoint.
/// </summary>
internal sealed class RetryFilterDescriptor(Random random) : FilterDescriptor<RetryOptions>
{
    /// <summary>Replay buffers live in memory for the length of a request; larger bodies should stream.</summary>
    public const uint MaxReplayBytesLimit = 16 * 1024 * 1024;

    public RetryFilterDescriptor()
        : this(Random.Shared)
    {
    }

    public override string OptionName => "retries";

    public override FilterStage Stage => FilterStage.Route;

    protected override void Validate(RetryOptions options, IOptionsDiagnostics diagnostics)
    {
        var conditions = RetryOnParser.Parse(options.RetryOn, diagnostics);
        if (options.RetryOn.AsSpan().Trim().IsEmpty)
        {
            diagnostics.Warning("retryOn", $"retryOn is empty, so no outcome is retried; name the conditions, like '5xx,connect-failure' (supported: {RetryOnParser.SupportedList})");
        }

        if (options.PerTryTimeout is { } perTry && perTry <= TimeSpan.Zero)
        {
            diagnostics.Error("perTryTimeout", "perTryTimeout must be greater than zero; leave it out for no per-attempt limit");
        }

        if (options.RetryBackOff is { } backOff)
        {
            if (backOff.BaseInterval < TimeSpan.FromMilliseconds(1))
            {
                diagnostics.Error("retryBackOff.baseInterval", "baseInterval must be at least 1ms");
            }

            if (backOff.MaxInterval is { } max)
            {
                if (max <= TimeSpan.Zero)
                {
                    diagnostics.Error("retryBackOff.maxInterval", "maxInterval must be greater than zero");
                }
                else if (max < backOff.BaseInterval)
                {
                    diagnostics.Error("retryBackOff.maxInterval", $"maxInterval ({max.TotalMilliseconds}ms) must not be less than baseInterval ({backOff.BaseInterval.TotalMilliseconds}ms)");
                }
            }
        }

        for (var i = 0; i < options.RetriableStatusCodes.Count; i++)
        {
            var code = options.RetriableStatusCodes[i];
            if (code is < 100 or > 599)
            {
                diagnostics.Error($"retriableStatusCodes[{i}]", $"{code} is not an HTTP status; use codes from 100 to 599");
            }
        }

        var listsCodes = options.RetriableStatusCodes.Count > 0;
        var usesCodes = (conditions & RetryConditions.RetriableStatusCodes) != 0;
        if (listsCodes && !usesCodes)
        {
            diagnostics.Warning("retriableStatusCodes", "retriableStatusCodes has no effect unless retryOn includes 'retriable-status-codes'");
        }
        else if (usesCodes && !listsCodes)
        {
            diagnostics.Warning("retryOn", "'retriable-status-codes' retries nothing without retriableStatusCodes (Sluice does not read Envoy's x-envoy-retriable-status-codes request header)");
        }

        if (options.MaxReplayBytes > MaxReplayBytesLimit)
        {
            diagnostics.Error("maxReplayBytes", $"maxReplayBytes must be at most {MaxReplayBytesLimit} (16 MiB): each retried request may hold that much in memory; larger bodies are streamed and not retried once sent");
        }

        if (options.PreviousPriorities is not null)
        {
            diagnostics.Warning("previousPriorities", "Gloo field 'previousPriorities' is not supported by Sluice (its upstreams have no priority levels) and is ignored");
        }
    }

    protected override HttpFilter Compile(RetryOptions options)
    {
        var baseInterval = options.RetryBackOff?.BaseInterval ?? RetryBackoff.DefaultBaseInterval;
        var maxInterval = options.RetryBackOff?.MaxInterval ?? baseInterval * RetryBackoff.DefaultMaxMultiplier;
        var policy = new RetryPolicy(
            options.RetryOn,
            RetryOnParser.Parse(options.RetryOn, diagnostics: null),
            (int)Math.Min(options.NumRetries ?? 1, int.MaxValue),
            options.PerTryTimeout,
            baseInterval,
            maxInterval,
            options.RetriableStatusCodes,
            options.MaxReplayBytes ?? RetryPolicy.DefaultMaxReplayBytes,
            options.RetryNonIdempotent,
            random);
        return new RetryFilter(policy);
    }
}

/// <summary>Puts the route's retry policy on the exchange for the forwarding loop.</summary>
internal sealed class RetryFilter(RetryPolicy policy) : HttpFilter
{
    public override FilterStage Stage => FilterStage.Route;

    public RetryPolicy Policy { get; } = policy;

    public override string Describe() => Policy.Describe();

    public override ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange)
    {
        exchange.RetryPolicy = Policy;
        return new(FilterVerdict.Continue);
    }
}
