using System.Net.Sockets;
using Sluice.Filters.Retry;
using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Filters.Tests.Retry;

public sealed class AttemptFailureClassifierTests
{
    [Fact]
    public void ConnectionError_IsAConnectFailure() => Assert.Equal(AttemptFailure.ConnectFailure, AttemptFailureClassifier.Classify(
        ForwarderError.Request,
        new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:1)", new SocketException((int)SocketError.ConnectionRefused))));

    [Fact]
    public void RefusedSocket_DeepInside_IsAConnectFailure() => Assert.Equal(AttemptFailure.ConnectFailure, AttemptFailureClassifier.Classify(
        ForwarderError.Request,
        new HttpRequestException("wrapped", new IOException("io", new SocketException((int)SocketError.ConnectionRefused)))));

    [Fact]
    public void NameResolutionAndTls_AreConnectFailures()
    {
        Assert.Equal(AttemptFailure.ConnectFailure, AttemptFailureClassifier.Classify(ForwarderError.Request, new HttpRequestException(HttpRequestError.NameResolutionError, "no such host")));
        Assert.Equal(AttemptFailure.ConnectFailure, AttemptFailureClassifier.Classify(ForwarderError.Request, new HttpRequestException(HttpRequestError.SecureConnectionError, "handshake")));
    }

    [Fact]
    public void ConnectTimeout_IsAConnectFailure() =>
        Assert.Equal(AttemptFailure.ConnectFailure, AttemptFailureClassifier.Classify(ForwarderError.RequestTimedOut, new TaskCanceledException("connect timeout")));

    [Fact]
    public void Http2RefusedStream_IsARefusedStream() => Assert.Equal(AttemptFailure.RefusedStream, AttemptFailureClassifier.Classify(
        ForwarderError.Request,
        new HttpRequestException(HttpRequestError.HttpProtocolError, "reset", new HttpProtocolException(0x7, "REFUSED_STREAM", null))));

    [Fact]
    public void OtherHttp2Reset_IsAReset() => Assert.Equal(AttemptFailure.Reset, AttemptFailureClassifier.Classify(
        ForwarderError.Request,
        new HttpRequestException(HttpRequestError.HttpProtocolError, "reset", new HttpProtocolException(0x2, "INTERNAL_ERROR", null))));

    [Fact]
    public void ResponseEnded_IsAReset()
    {
        Assert.Equal(AttemptFailure.Reset, AttemptFailureClassifier.Classify(ForwarderError.Request, new HttpRequestException(HttpRequestError.ResponseEnded, "ended")));
        Assert.Equal(AttemptFailure.Reset, AttemptFailureClassifier.Classify(ForwarderError.Request, new IOException("reset by peer", new SocketException((int)SocketError.ConnectionReset))));
        Assert.Equal(AttemptFailure.Reset, AttemptFailureClassifier.Classify(ForwarderError.Request, exception: null));
    }

    [Fact]
    public void BodyRefusedByTheUpstream_IsAReset() =>
        Assert.Equal(AttemptFailure.Reset, AttemptFailureClassifier.Classify(ForwarderError.RequestBodyDestination, new AggregateException(new IOException("a"), new IOException("b"))));

    [Theory]
    [InlineData(ForwarderError.None)]
    [InlineData(ForwarderError.RequestCanceled)]
    [InlineData(ForwarderError.RequestBodyClient)]
    [InlineData(ForwarderError.RequestBodyCanceled)]
    [InlineData(ForwarderError.RequestCreation)]
    [InlineData(ForwarderError.ResponseHeaders)]
    [InlineData(ForwarderError.ResponseBodyDestination)]
    [InlineData(ForwarderError.ResponseBodyClient)]
    [InlineData(ForwarderError.UpgradeResponseDestination)]
    public void ClientAndResponseSideErrors_AreNotTheUpstreamsTransientFailure(ForwarderError error) =>
        Assert.Equal(AttemptFailure.None, AttemptFailureClassifier.Classify(error, new HttpRequestException(HttpRequestError.ConnectionError, "x")));
}
