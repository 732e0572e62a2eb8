using System.Text;
using Microsoft.AspNetCore.Http;
using Sluice.Filters.Fault;
using Sluice.Filters.Tests.Retry;

namespace Sluice.Filters.Tests.Fault;

public sealed class FaultFilterTests
{
    [Fact]
    public async Task AbortAtOneHundredPercent_AnswersWithTheStatus_AndEnvoysBody()
    {
        var exchange = Exchange();
        var filter = Compile(new FaultOptions { Abort = new FaultAbortOptions { Percentage = 100, HttpStatus = 503 } }, new Random(7));

        Assert.Equal(FilterVerdict.Handled, await filter.OnRequestAsync(exchange));
        Assert.Equal(503, exchange.HttpContext.Response.StatusCode);
        Assert.Equal("fault filter abort", Encoding.UTF8.GetString(((MemoryStream)exchange.HttpContext.Response.Body).ToArray()));
    }

    [Fact]
    public async Task AbortAtZeroPercent_NeverAborts()
    {
        var filter = Compile(new FaultOptions { Abort = new FaultAbortOptions { Percentage = 0, HttpStatus = 503 } }, new FixedRandom(0));
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(Exchange()));
        }
    }

    [Theory]
    [InlineData(0.5, 50, FilterVerdict.Continue)]
    [InlineData(0.5, 50.1, FilterVerdict.Handled)]
    [InlineData(0.0001, 0.1, FilterVerdict.Handled)]
    [InlineData(0.999999, 99.9, FilterVerdict.Continue)]
    [InlineData(0.999999, 100, FilterVerdict.Handled)]
    public async Task Percentage_IsTheShareOfDraws_BelowIt(double draw, double percentage, FilterVerdict expected)
    {
        var filter = Compile(new FaultOptions { Abort = new FaultAbortOptions { Percentage = percentage, HttpStatus = 418 } }, new FixedRandom(draw));
        Assert.Equal(expected, await filter.OnRequestAsync(Exchange()));
    }

    [Fact]
    public async Task AbortWithABodylessStatus_WritesNoBody()
    {
        var exchange = Exchange();
        await Compile(new FaultOptions { Abort = new FaultAbortOptions { Percentage = 100, HttpStatus = 204 } }, new Random(1)).OnRequestAsync(exchange);
        Assert.Equal(204, exchange.HttpContext.Response.StatusCode);
        Assert.Equal(0, exchange.HttpContext.Response.Body.Length);
    }

    [Fact]
    public async Task Delay_HoldsTheRequestUntilTheDelayPasses_ThenContinues()
    {
        var time = new ManualTimeProvider();
        var filter = Compile(new FaultOptions { Delay = new FaultDelayOptions { Percentage = 100, FixedDelay = TimeSpan.FromSeconds(2) } }, new Random(1), time);

        var verdict = filter.OnRequestAsync(Exchange()).AsTask();
        time.Advance(TimeSpan.FromSeconds(1.9));
        await Task.Delay(20);
        Assert.False(verdict.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(FilterVerdict.Continue, await verdict.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task DelayThenAbort_AbortsAfterTheDelay()
    {
        var time = new ManualTimeProvider();
        var exchange = Exchange();
        var filter = Compile(new FaultOptions
        {
            Delay = new FaultDelayOptions { Percentage = 100, FixedDelay = TimeSpan.FromSeconds(1) },
            Abort = new FaultAbortOptions { Percentage = 100, HttpStatus = 500 },
        }, new Random(1), time);

        var verdict = filter.OnRequestAsync(exchange).AsTask();
        Assert.False(verdict.IsCompleted);
        Assert.Equal(200, exchange.HttpContext.Response.StatusCode);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(FilterVerdict.Handled, await verdict.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(500, exchange.HttpContext.Response.StatusCode);
    }

    [Fact]
    public async Task ClientLeavingDuringTheDelay_EndsTheRequest()
    {
        using var aborted = new CancellationTokenSource();
        var exchange = Exchange();
        exchange.HttpContext.RequestAborted = aborted.Token;
        var filter = Compile(new FaultOptions { Delay = new FaultDelayOptions { Percentage = 100, FixedDelay = TimeSpan.FromHours(1) } }, new Random(1), new ManualTimeProvider());

        var verdict = filter.OnRequestAsync(exchange).AsTask();
        await aborted.CancelAsync();
        Assert.Equal(FilterVerdict.Handled, await verdict.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Filter_RunsInTheFaultStage_AndDescribesItself()
    {
        var filter = Compile(new FaultOptions
        {
            Delay = new FaultDelayOptions { Percentage = 10, FixedDelay = TimeSpan.FromMilliseconds(1500) },
            Abort = new FaultAbortOptions { Percentage = 2.5, HttpStatus = 503 },
        }, new Random(1));

        Assert.Equal(FilterStage.Fault, filter.Stage);
        Assert.Equal("faults delay 1500ms at 10% abort 503 at 2.5%", filter.Describe());
    }

    private static HttpFilter Compile(FaultOptions options, Random random, TimeProvider? time = null) =>
        new FaultFilterDescriptor(random, time ?? TimeProvider.System).Compile(options);

    private static ProxyExchange Exchange()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        return new ProxyExchange(context, "/", "route");
    }
}
