using System.Net;
using Microsoft.AspNetCore.Http;
using Sluice.Discovery.Model;
using Sluice.Filters.Listener;
using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Listeners;

namespace Sluice.Gateway.Tests.DataPlane;

/// <summary>Who the client is and what X-Forwarded-For the upstream gets, for each trust setting.</summary>
public sealed class ClientAddressTests
{
    private static ListenerSettings Settings(HttpConnectionManagerSettings? settings = null) =>
        ListenerSettings.From(settings is null ? null : new OptionSet(new Dictionary<string, object> { ["httpConnectionManagerSettings"] = settings }));

    private static DefaultHttpContext Request(string peer, string? forwardedFor = null)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        if (forwardedFor is not null)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }

        return context;
    }

    [Fact]
    public void ByDefault_ThePeerIsTheClient_AndReplacesWhatTheClientWrote()
    {
        var context = Request("198.51.100.1", "203.0.113.7");

        Assert.Equal(IPAddress.Parse("198.51.100.1"), ClientAddress.Resolve(context, Settings()));
        Assert.Equal("198.51.100.1", ClientAddress.Forwarded(context, Settings()));
    }

    [Fact]
    public void MappedPeers_AreCanonical_AndEachRequestGetsItsOwnPeer()
    {
        // Alternating peers on one thread: the per-thread cache must never hand one request another's address.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("192.0.2.10", ClientAddress.Forwarded(Request("::ffff:192.0.2.10"), Settings()));
            Assert.Equal(IPAddress.Parse("192.0.2.11"), ClientAddress.Resolve(Request("::ffff:192.0.2.11"), Settings()));
            Assert.Equal("2001:db8::1", ClientAddress.Forwarded(Request("2001:db8::1"), Settings()));
        }
    }

    [Fact]
    public void TrustedHops_TakeTheNthEntryFromTheRight_AndKeepTheChain()
    {
        var settings = Settings(new HttpConnectionManagerSettings { XffNumTrustedHops = 1 });
        var context = Request("198.51.100.1", "192.0.2.10, 203.0.113.128");

        Assert.Equal(IPAddress.Parse("203.0.113.128"), ClientAddress.Resolve(context, settings));
        Assert.Equal("192.0.2.10, 203.0.113.128, 198.51.100.1", ClientAddress.Forwarded(context, settings));
    }

    [Fact]
    public void TrustedProxies_WalkPastTrustedHops_AndAnUntrustedPeerIsBelievedNothing()
    {
        var settings = Settings(new HttpConnectionManagerSettings { TrustedProxies = ["10.0.0.0/8"] });

        Assert.Equal(IPAddress.Parse("203.0.113.7"), ClientAddress.Resolve(Request("10.0.0.2", "203.0.113.7, 10.1.1.1"), settings));
        Assert.Equal(IPAddress.Parse("198.51.100.9"), ClientAddress.Resolve(Request("198.51.100.9", "203.0.113.7"), settings));
        Assert.Equal("198.51.100.9", ClientAddress.Forwarded(Request("198.51.100.9", "203.0.113.7"), settings));
    }

    [Fact]
    public void ForwardedProto_IsTheListenersUnlessATrustedProxySaysHttpOrHttps()
    {
        var plain = Request("198.51.100.1");
        plain.Request.Scheme = "http";
        plain.Request.Headers["X-Forwarded-Proto"] = "https";
        Assert.Equal("http", ClientAddress.ForwardedProto(plain, Settings()));

        var trusted = Settings(new HttpConnectionManagerSettings { TrustedProxies = ["198.51.100.0/24"] });
        Assert.Equal("https", ClientAddress.ForwardedProto(plain, trusted));
        plain.Request.Headers["X-Forwarded-Proto"] = "javascript";
        Assert.Equal("http", ClientAddress.ForwardedProto(plain, trusted));
    }
}
