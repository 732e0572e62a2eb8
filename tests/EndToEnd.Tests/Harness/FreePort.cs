using System.Net;
using System.Net.Sockets;

namespace Sluice.EndToEnd.Tests.Harness;

/// <summary>Loopback ports for listeners the YAML must name up front.</summary>
public static class FreePort
{
    private static int _next = 20000 + (Environment.ProcessId % 200) * 100;

    /// <summary>A port that was free a moment ago; handed out once per process so parallel tests never share one.</summary>
    public static int Next()
    {
        while (true)
        {
            var candidate = Interlocked.Increment(ref _next);
            if (candidate > 60000)
            {
                Interlocked.Exchange(ref _next, 20000);
                continue;
            }

            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, candidate);
                probe.Start();
                return candidate;
            }
            catch (SocketException)
            {
            }
        }
    }
}
