using Sluice.Discovery.Loading;
using Sluice.Discovery.Snapshots;
using Sluice.Gateway.Translation;

namespace Sluice.Gateway.Configuration;

/// <summary>
/// Owns the live configuration: rebuilds the snapshot when the sources change, translates it, persists the last
/// good state and swaps the compiled config in with one reference assignment. Rebuilds are serialized; readers
/// never lock.
/// </summary>
internal sealed partial class ConfigStore(
    IResourceSource source,
    LastGoodResources lastGood,
    ConfigTranslator translator,
    string stateDirectory,
    TimeProvider time,
    ILogger<ConfigStore> logger)
{
    private readonly Lock _rebuildLock = new();
    private readonly List<ReloadRecord> _history = [];
    private CompiledConfig _current = CompiledConfig.Empty;

    /// <summary>Raised after a new config is live, on the thread that built it.</summary>
    public event Action<CompiledConfig>? Applied;

    public CompiledConfig Current => Volatile.Read(ref _current);

    public bool HasServedConfig => Current.Version > 0;

    public IReadOnlyList<ReloadRecord> History
    {
        get
        {
            lock (_rebuildLock)
            {
                return [.. _history];
            }
        }
    }

    public CompiledConfig Rebuild(string reason)
    {
        lock (_rebuildLock)
        {
            var started = time.GetTimestamp();
            var files = source.Scan();
            var snapshot = SnapshotBuilder.Build(files, lastGood, Current.Source, time, translator.Ingress);
            var compiled = translator.Translate(snapshot);

            // Translation adds what only it can see (a certificate that does not load) to the statuses.
            snapshot = compiled.Source;
            Volatile.Write(ref _current, compiled);

            try
            {
                lastGood.Save(stateDirectory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogStateNotSaved(stateDirectory, ex.Message);
            }

            var elapsed = time.GetElapsedTime(started);
            Telemetry.Metrics.ConfigMetrics.Applied(elapsed);
            var rejected = snapshot.Statuses.Count(s => s.State == ResourceState.Rejected);
            _history.Add(new ReloadRecord(snapshot.Version, snapshot.CreatedAt, reason, elapsed, snapshot.Statuses.Count, rejected,
                snapshot.FileDiagnostics.Count(d => d.IsError)));
            if (_history.Count > 50)
            {
                _history.RemoveAt(0);
            }

            LogApplied(snapshot.Version, reason, snapshot.Statuses.Count, rejected, elapsed.TotalMilliseconds);
            foreach (var diagnostic in snapshot.AllDiagnostics)
            {
                if (diagnostic.IsError)
                {
                    LogDiagnosticError(diagnostic.ToString());
                }
                else
                {
                    LogDiagnosticWarning(diagnostic.ToString());
                }
            }

            foreach (var status in snapshot.Statuses.Where(s => s.ServingLastGood))
            {
                LogServingLastGood(status.Id.ToString());
            }

            Applied?.Invoke(compiled);
            return compiled;
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Config version {Version} applied ({Reason}): {Resources} resources, {Rejected} rejected, in {Milliseconds:F1} ms")]
    private partial void LogApplied(long version, string reason, int resources, int rejected, double milliseconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "{Diagnostic}")]
    private partial void LogDiagnosticError(string diagnostic);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{Diagnostic}")]
    private partial void LogDiagnosticWarning(string diagnostic);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "{Resource} is rejected; its last accepted version keeps serving")]
    private partial void LogServingLastGood(string resource);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Could not save the last good state to {Directory}: {Reason}")]
    private partial void LogStateNotSaved(string directory, string reason);
}

/// <summary>One reload and its outcome, for the admin API.</summary>
internal sealed record ReloadRecord(long Version, DateTimeOffset At, string Reason, TimeSpan Duration, int Resources, int Rejected, int FileErrors);
