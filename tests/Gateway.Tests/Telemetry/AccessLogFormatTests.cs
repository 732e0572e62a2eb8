using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Discovery.Model;
using Sluice.Filters;
using Sluice.Gateway.Telemetry;
using Sluice.Gateway.Telemetry.AccessLogs;

namespace Sluice.Gateway.Tests.Telemetry;

public class AccessLogFormatTests
{
    [Fact]
    public void JsonFormat_PrintsNumbersAsNumbers_HeadersTruncated_AndMissingAsNull()
    {
        var policy = Policy(new FileSink
        {
            Path = "x",
            JsonFormat = new Dictionary<string, string>
            {
                ["status"] = "%RESPONSE_CODE%",
                ["flags"] = "%RESPONSE_FLAGS%",
                ["agent"] = "%REQ(USER-AGENT):5%",
                ["tenant"] = "%REQ(X-TENANT)%",
                ["line"] = "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%",
                ["upstream"] = "%UPSTREAM_HOST%",
            },
        });

        var headers = new Dictionary<string, string> { ["user-agent"] = "curl/8.5.0" };
        var captured = policy.CapturedHeaders.Select(h => headers.GetValueOrDefault(h)).ToArray();
        using var line = JsonDocument.Parse(Format(policy, Record(policy, captured)));
        var root = line.RootElement;
        Assert.Equal(503, root.GetProperty("status").GetInt32());
        Assert.Equal("UF,URX", root.GetProperty("flags").GetString());
        Assert.Equal("curl/", root.GetProperty("agent").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("tenant").ValueKind);
        Assert.Equal("GET /a?b=1", root.GetProperty("line").GetString());
        Assert.Equal("10.0.0.1:80", root.GetProperty("upstream").GetString());
    }

    [Fact]
    public void StringFormat_PrintsADashForMissingValues_AndEndsTheLine()
    {
        var policy = Policy(new FileSink { Path = "x", StringFormat = "%RESPONSE_CODE% %REQ(X-TENANT)% %DOWNSTREAM_REMOTE_ADDRESS% %%\n" });
        Assert.Equal("503 - 192.0.2.7:5555 %\n", Format(policy, Record(policy, headers: [null])));
    }

    [Theory]
    [InlineData("GE", 500u, 503, true)]
    [InlineData("GE", 500u, 499, false)]
    [InlineData("LE", 299u, 200, true)]
    [InlineData("EQ", 404u, 404, true)]
    [InlineData("EQ", 404u, 405, false)]
    public void StatusCodeFilter_ComparesLikeEnvoy(string op, uint threshold, int status, bool kept)
    {
        var filter = AccessLogFilterPredicate.Compile(new AccessLogFilter
        {
            StatusCodeFilter = new StatusCodeFilter { Comparison = new ComparisonFilter { Op = Enum.Parse<ComparisonOp>(op), Value = new RuntimeUInt32 { DefaultValue = threshold } } },
        })!;
        var policy = Policy(new FileSink { Path = "x" });
        Assert.Equal(kept, filter.Keeps(Record(policy) with { Status = status }));
    }

    [Fact]
    public void AndFilter_NeedsAll_OrFilter_NeedsOne()
    {
        AccessLogFilter Status(uint min) => new() { StatusCodeFilter = new StatusCodeFilter { Comparison = new ComparisonFilter { Op = ComparisonOp.GE, Value = new RuntimeUInt32 { DefaultValue = min } } } };
        AccessLogFilter Duration(uint ms) => new() { DurationFilter = new DurationFilter { Comparison = new ComparisonFilter { Op = ComparisonOp.GE, Value = new RuntimeUInt32 { DefaultValue = ms } } } };
        var and = AccessLogFilterPredicate.Compile(new AccessLogFilter { AndFilter = new AccessLogFilterList { Filters = [Status(500), Duration(1000)] } })!;
        var or = AccessLogFilterPredicate.Compile(new AccessLogFilter { OrFilter = new AccessLogFilterList { Filters = [Status(500), Duration(1000)] } })!;
        var policy = Policy(new FileSink { Path = "x" });
        var fastError = Record(policy) with { Status = 503, DurationTicks = Stopwatch.Frequency / 100 };
        var slowOk = Record(policy) with { Status = 200, DurationTicks = Stopwatch.Frequency * 2 };
        var fastOk = Record(policy) with { Status = 200, DurationTicks = Stopwatch.Frequency / 100 };

        Assert.False(and.Keeps(fastError));
        Assert.True(and.Keeps(slowOk with { Status = 502 }));
        Assert.True(or.Keeps(fastError));
        Assert.True(or.Keeps(slowOk));
        Assert.False(or.Keeps(fastOk));
    }

    [Fact]
    public async Task Writer_WhenBehind_DropsAndCountsInsteadOfBlocking()
    {
        long dropped = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GatewayInstruments.MeterName && instrument.Name == "sluice.access_log.dropped")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref dropped, value));
        listener.Start();

        // Never started: nothing drains the channel, as with a writer stuck on a slow disk.
        await using var writer = new AccessLogWriter(NullLogger<AccessLogWriter>.Instance);
        var policy = Policy(new FileSink { Path = "x" });
        var record = Record(policy);
        for (var i = 0; i < AccessLogWriter.Capacity; i++)
        {
            Assert.True(writer.TryWrite(record));
        }

        Assert.False(writer.TryWrite(record));
        Assert.False(writer.TryWrite(record));
        Assert.Equal(2, Interlocked.Read(ref dropped));
    }

    private static AccessLogPolicy Policy(FileSink sink) =>
        AccessLogPolicy.Compile(new ListenerOptions { AccessLoggingService = new AccessLoggingService { AccessLog = [new AccessLog { FileSink = sink }] } })!;

    private static string Format(AccessLogPolicy policy, AccessLogRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(buffer);
        policy.Sinks[0].Format.Write(record, buffer, json, new StringBuilder());
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static AccessLogRecord Record(AccessLogPolicy policy, string?[]? headers = null) => new()
    {
        Policy = policy,
        EndTime = new DateTime(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc),
        DurationTicks = Stopwatch.Frequency / 20,
        Method = "GET",
        Path = "/a",
        Query = "?b=1",
        Authority = "shop.example.com",
        Protocol = "HTTP/1.1",
        Status = 503,
        Flags = ResponseFlags.UpstreamConnectionFailure | ResponseFlags.UpstreamRetryLimitExceeded,
        BytesReceived = 0,
        BytesSent = 19,
        UpstreamHost = "10.0.0.1:80",
        UpstreamCluster = "default/app",
        UpstreamServiceTicks = 0,
        Route = "api",
        VirtualHost = "default/vs",
        TraceId = default,
        ClientAddress = IPAddress.Parse("192.0.2.7"),
        ClientPort = 5555,
        UserAgent = "curl/8.5.0",
        RequestId = null,
        Headers = headers,
    };
}
