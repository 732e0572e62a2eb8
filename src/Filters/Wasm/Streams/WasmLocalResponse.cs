namespace Sluice.Filters.Wasm.Streams;

/// <summary>What a filter asked to answer with <c>proxy_send_local_response</c>.</summary>
internal sealed record WasmLocalResponse(int Status, string Details, byte[] Body, List<KeyValuePair<string, string>> Headers);
