using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Sluice.Kubernetes.Fixture;

/// <summary>An open watch: its filter, and the queue of lines the store fills and the HTTP response drains.</summary>
internal sealed class WatchSubscription
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public WatchSubscription(ApiResourceType type, string? ns, LabelSelectorMatcher labels, LabelSelectorMatcher fields, bool bookmarks)
    {
        Type = type;
        Namespace = ns;
        Labels = labels;
        Fields = fields;
        Bookmarks = bookmarks;
    }

    public ApiResourceType Type { get; }

    public string? Namespace { get; }

    public LabelSelectorMatcher Labels { get; }

    public LabelSelectorMatcher Fields { get; }

    public bool Bookmarks { get; }

    /// <summary>Cancelled to drop this watch (a fault, or the fixture stopping).</summary>
    public CancellationTokenSource Dropped { get; } = new();

    public ChannelReader<string> Lines => _lines.Reader;

    public bool Matches(JsonObject item) =>
        (Namespace is null || item["metadata"]?["namespace"]?.GetValue<string>() == Namespace) && Labels.Matches(item) && Fields.Matches(item);

    /// <summary>Queues what this watcher should see of <paramref name="stored"/>; called under the store lock, in order.</summary>
    public void Offer(StoredEvent stored)
    {
        if (stored.Type != Type)
        {
            return;
        }

        var now = Matches(stored.Object);
        var before = stored.Previous is not null && Matches(stored.Previous);
        var type = stored.EventType switch
        {
            "MODIFIED" when now && !before => "ADDED",
            "MODIFIED" when !now && before => "DELETED",
            "MODIFIED" when now => "MODIFIED",
            "ADDED" when now => "ADDED",
            "DELETED" when now => "DELETED",
            _ => null,
        };
        if (type is not null)
        {
            Send(type, stored.Object);
        }
    }

    public void Send(string type, JsonObject item) =>
        _lines.Writer.TryWrite(new JsonObject { ["type"] = type, ["object"] = item.DeepClone() }.ToJsonString());

    public void SendRaw(string line) => _lines.Writer.TryWrite(line);

    public void Complete() => _lines.Writer.TryComplete();
}
