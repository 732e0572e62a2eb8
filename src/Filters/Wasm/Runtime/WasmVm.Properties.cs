using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Sluice.Filters.Wasm.Abi;

namespace Sluice.Filters.Wasm.Runtime;

/// <summary>
/// <c>proxy_get_property</c>: Envoy's attributes, serialized as Envoy does (strings as bytes, integers and times as
/// 8-byte little-endian, booleans as one byte, maps as header pairs). Paths are segments separated by NUL.
/// </summary>
internal sealed partial class WasmVm
{
    internal WasmResult GetProperty(int pathPointer, int pathSize, int valuePointerPointer, int valueSizePointer)
    {
        var path = String(pathPointer, pathSize).TrimEnd('\0');
        var value = Property(path.Replace('\0', '.'));
        return value is null ? WasmResult.NotFound : CopyOut(value, valuePointerPointer, valueSizePointer);
    }

    internal WasmResult SetProperty(int pathPointer, int pathSize, int valuePointer, int valueSize)
    {
        var path = String(pathPointer, pathSize).TrimEnd('\0').Replace('\0', '.');
        var stream = CurrentStream;
        if (stream is null)
        {
            return WasmResult.NotFound;
        }

        stream.Exchange.HttpContext.Items["wasm." + path] = Bytes(valuePointer, valueSize).ToArray();
        return WasmResult.Ok;
    }

    private byte[]? Property(string path)
    {
        switch (path)
        {
            case "plugin_name":
                return Utf8(Plugin.Name);
            case "plugin_root_id":
                return Utf8(Plugin.RootId);
            case "plugin_vm_id":
                return Utf8(Plugin.VmId);
            case "node.id":
                return Utf8(Environment.MachineName);
        }

        var stream = CurrentStream;
        if (stream is null)
        {
            return null;
        }

        var exchange = stream.Exchange;
        var context = exchange.HttpContext;
        var request = context.Request;
        var connection = context.Connection;
        switch (path)
        {
            case "request.path":
                return Utf8(exchange.UpstreamPath + request.QueryString.Value);
            case "request.url_path":
                return Utf8(exchange.UpstreamPath);
            case "request.host":
                return Utf8(exchange.UpstreamHost ?? request.Host.Value ?? string.Empty);
            case "request.scheme":
                return Utf8(request.Scheme);
            case "request.method":
                return Utf8(request.Method);
            case "request.query":
                return Utf8(request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty);
            case "request.protocol":
                return Utf8(request.Protocol);
            case "request.id":
                return request.Headers.TryGetValue("x-request-id", out var id) ? Utf8(id.ToString()) : null;
            case "request.referer":
                return Utf8(request.Headers.Referer.ToString());
            case "request.useragent":
                return Utf8(request.Headers.UserAgent.ToString());
            case "request.time":
                return Int64((exchange.StartTime.ToUnixTimeMilliseconds() * 1_000_000) + (exchange.StartTime.Ticks % TimeSpan.TicksPerMillisecond * 100));
            case "request.duration":
                return Int64((long)(Plugin.Time.GetUtcNow() - exchange.StartTime).TotalNanoseconds);
            case "request.size":
                return request.ContentLength is { } length ? Int64(length) : null;
            case "request.headers":
                return Map(stream.RequestHeaders);
            case "response.code":
                return context.Response.HasStarted || stream.ResponseHeadersSeen ? Int64(context.Response.StatusCode) : null;
            case "response.headers":
                return stream.ResponseHeadersSeen ? Map(stream.ResponseHeaders) : null;
            case "source.address":
                return connection.RemoteIpAddress is { } remote ? Utf8(Address(remote, connection.RemotePort)) : null;
            case "source.port":
                return Int64(connection.RemotePort);
            case "destination.address":
                return connection.LocalIpAddress is { } local ? Utf8(Address(local, connection.LocalPort)) : null;
            case "destination.port":
                return Int64(connection.LocalPort);
            case "connection.mtls":
                return [context.Connection.ClientCertificate is null ? (byte)0 : (byte)1];
            case "connection.tls_version":
                return request.IsHttps ? Utf8(context.Features.Get<Microsoft.AspNetCore.Connections.Features.ITlsHandshakeFeature>()?.Protocol.ToString() ?? string.Empty) : null;
            case "route_name":
            case "xds.route_name":
                return Utf8(exchange.RouteName);
            case "cluster_name":
            case "xds.cluster_name":
                return exchange.UpstreamName is { } upstream ? Utf8(upstream) : null;
            case "xds.virtual_host_name":
                return Utf8(exchange.VirtualHostName);
        }

        if (path.StartsWith("request.headers.", StringComparison.Ordinal))
        {
            return stream.RequestHeaders.Get(path["request.headers.".Length..]) is { } value ? Utf8(value) : null;
        }

        if (path.StartsWith("response.headers.", StringComparison.Ordinal))
        {
            return stream.ResponseHeaders.Get(path["response.headers.".Length..]) is { } value ? Utf8(value) : null;
        }

        return context.Items.TryGetValue("wasm." + path, out var stored) && stored is byte[] bytes ? bytes : null;
    }

    private static string Address(System.Net.IPAddress address, int port)
    {
        var ip = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? string.Create(CultureInfo.InvariantCulture, $"[{ip}]:{port}")
            : string.Create(CultureInfo.InvariantCulture, $"{ip}:{port}");
    }

    private static byte[] Utf8(string value) => Encoding.UTF8.GetBytes(value);

    private static byte[] Int64(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] Map(Streams.IHeaderMap map)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        map.CopyPairs(pairs);
        return HeaderPairs.Serialize(pairs);
    }
}
