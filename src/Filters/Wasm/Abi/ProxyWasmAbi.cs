namespace Sluice.Filters.Wasm.Abi;

/// <summary>The ABI versions a module declares by exporting <c>proxy_abi_version_*</c>.</summary>
internal enum AbiVersion
{
    V0_1_0 = 0,
    V0_2_0 = 1,
    V0_2_1 = 2,
}

/// <summary>proxy-wasm's <c>WasmResult</c>, the status every host call returns.</summary>
internal enum WasmResult
{
    Ok = 0,
    NotFound = 1,
    BadArgument = 2,
    SerializationFailure = 3,
    ParseFailure = 4,
    BadExpression = 5,
    InvalidMemoryAccess = 6,
    Empty = 7,
    CasMismatch = 8,
    ResultMismatch = 9,
    InternalFailure = 10,
    BrokenConnection = 11,
    Unimplemented = 12,
}

internal enum HeaderMapType
{
    RequestHeaders = 0,
    RequestTrailers = 1,
    ResponseHeaders = 2,
    ResponseTrailers = 3,
    GrpcReceiveInitialMetadata = 4,
    GrpcReceiveTrailingMetadata = 5,
    HttpCallResponseHeaders = 6,
    HttpCallResponseTrailers = 7,
}

internal enum BufferType
{
    HttpRequestBody = 0,
    HttpResponseBody = 1,
    NetworkDownstreamData = 2,
    NetworkUpstreamData = 3,
    HttpCallResponseBody = 4,
    GrpcReceiveBuffer = 5,
    VmConfiguration = 6,
    PluginConfiguration = 7,
    CallData = 8,
}

/// <summary>What <c>proxy_on_*_headers</c> returns (the C++ host's values).</summary>
internal enum FilterHeadersStatus
{
    Continue = 0,
    StopIteration = 1,
    ContinueAndEndStream = 2,
    StopAllIterationAndBuffer = 3,
    StopAllIterationAndWatermark = 4,
}

/// <summary>What <c>proxy_on_*_body</c> returns.</summary>
internal enum FilterDataStatus
{
    Continue = 0,
    StopIterationAndBuffer = 1,
    StopIterationAndWatermark = 2,
    StopIterationNoBuffer = 3,
}

internal enum StreamType
{
    HttpRequest = 0,
    HttpResponse = 1,
    Downstream = 2,
    Upstream = 3,
}

internal enum MetricType
{
    Counter = 0,
    Gauge = 1,
    Histogram = 2,
}

internal enum WasmLogLevel
{
    Trace = 0,
    Debug = 1,
    Info = 2,
    Warn = 3,
    Error = 4,
    Critical = 5,
}
