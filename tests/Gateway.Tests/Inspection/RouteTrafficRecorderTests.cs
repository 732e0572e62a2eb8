using Sluice.Gateway.Inspection;
using Sluice.Gateway.Telemetry;

namespace Sluice.Gateway.Tests.Inspection;

/// <summary>
/// The dashboard's per-route rates come from the <c>sluice.requests</c> counter the data plane records; here it is
/// recorded directly, as the data plane will. Names are unique per test: the meter is process-wide.
/// </summary>
public sealed class RouteTrafficRecorderTests
{
    [Fact]
    public void Requests_AreCountedPerRoute_WithFiveHundredsAsErrors()
    {
        using var recorder = new RouteTrafficRecorder(TimeProvider.System);
        var host = "test/" + Guid.NewGuid().ToString("N");
        Record(host, "orders", "2xx", 3);
        Record(host, "orders", "5xx", 1);
        Record(host, "users", "4xx", 2);

        Assert.True(recorder.ObservingRequests);
        var traffic = recorder.Snapshot().Where(t => t.VirtualHost == host).ToDictionary(t => t.Route);
        Assert.Equal((4L, 1L, 4L, 1L), (traffic["orders"].Requests1m, traffic["orders"].Errors1m, traffic["orders"].Requests5m, traffic["orders"].Errors5m));
        Assert.Equal((2L, 0L), (traffic["users"].Requests1m, traffic["users"].Errors1m));
        Assert.Equal(RouteTrafficRecorder.BucketCount, traffic["orders"].Series.Length);
        Assert.Equal(4L, traffic["orders"].Series.Sum());
    }

    [Fact]
    public void Counts_AgeOutOfTheWindows()
    {
        var time = new SteppingTime(DateTimeOffset.Parse("2026-11-23T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var recorder = new RouteTrafficRecorder(time);
        var host = "test/" + Guid.NewGuid().ToString("N");
        Record(host, "r", "2xx", 6);

        time.Advance(TimeSpan.FromSeconds(90));
        var later = recorder.Snapshot().Single(t => t.VirtualHost == host);
        Assert.Equal((0L, 6L), (later.Requests1m, later.Requests5m));

        time.Advance(TimeSpan.FromMinutes(5));
        Assert.DoesNotContain(recorder.Snapshot(), t => t.VirtualHost == host);
    }

    private static void Record(string host, string route, string statusClass, int count)
    {
        for (var i = 0; i < count; i++)
        {
            GatewayInstruments.Requests.Add(1, new("virtual_host", host), new("route", route), new("upstream", "default/x"), new("status_class", statusClass));
        }
    }

    private sealed class SteppingTime(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
