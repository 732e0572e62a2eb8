using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Sluice.Gateway.Telemetry;
using Sluice.Gateway.Telemetry.Tracing;

namespace Sluice.Gateway.Tests.Telemetry;

public class RequestTracerTests
{
    [Fact]
    public void TraceParentHeader_IsTheW3CFormatActivityWrites()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var spanId = ActivitySpanId.CreateRandom();
        Assert.Equal($"00-{traceId.ToHexString()}-{spanId.ToHexString()}-01", TraceParentHeader.Format(traceId, spanId, ActivityTraceFlags.Recorded));
        Assert.EndsWith("-00", TraceParentHeader.Format(traceId, spanId, ActivityTraceFlags.None));
    }

    [Theory]
    [InlineData(1.0, true)]
    [InlineData(0.0, false)]
    public void NewTrace_IsSampledByTheRatio(double ratio, bool sampled)
    {
        var tracer = new RequestTracer(new TelemetryOptions { TraceSamplingRatio = ratio });
        for (var i = 0; i < 50; i++)
        {
            var trace = tracer.Begin(new DefaultHttpContext());
            Assert.NotEqual(default, trace.TraceId);
            Assert.Equal(sampled, trace.Propagated.TraceFlags == ActivityTraceFlags.Recorded);
        }
    }

    [Fact]
    public void ClientTraceparent_IsKept_WhateverTheRatio()
    {
        var tracer = new RequestTracer(new TelemetryOptions { TraceSamplingRatio = 0 });
        var context = new DefaultHttpContext();
        context.Request.Headers.TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        context.Request.Headers.TraceState = "vendor=1";
        var trace = tracer.Begin(context);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", trace.TraceId.ToHexString());
        Assert.Equal(ActivityTraceFlags.Recorded, trace.Propagated.TraceFlags);
        Assert.Equal("vendor=1", trace.Propagated.TraceState);
    }

    [Fact]
    public void NoTracing_PropagatesNothing()
    {
        var tracer = new RequestTracer(new TelemetryOptions { TracingEnabled = false });
        var context = new DefaultHttpContext();
        context.Request.Headers.TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Assert.Equal(default, tracer.Begin(context).TraceId);
    }
}
