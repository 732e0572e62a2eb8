namespace Sluice.Discovery.Kubernetes.Informers;

/// <summary>How an informer paces itself. The defaults follow client-go's reflector.</summary>
public sealed record InformerOptions
{
    /// <summary>Page size of a list; large clusters are listed in pages, as client-go does (500).</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>
    /// Server-side timeout of one watch; the API server ends the stream then, and the informer resumes. client-go
    /// picks 5-10 minutes at random so that many clients do not reconnect at once; a random share is added here too.
    /// </summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
}
