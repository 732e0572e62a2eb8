// Three filters in one module, picked by root id, so the tests build them with one asc run.
export * from "@solo-io/proxy-runtime/proxy";
import {
  RootContext, Context, BaseContext, registerRootContext, FilterHeadersStatusValues, stream_context,
  send_local_response, GrpcStatusValues, HeaderPair, Headers,
} from "@solo-io/proxy-runtime";

// add_header: request gets x-as-request (the configuration) and loses x-remove-me; response gets x-as-response.
class AddHeaderRoot extends RootContext {
  createContext(context_id: u32): Context {
    return new AddHeader(context_id, this);
  }
}

class AddHeader extends Context {
  constructor(context_id: u32, root_context: AddHeaderRoot) {
    super(context_id, root_context);
  }

  onRequestHeaders(a: u32, end_of_stream: bool): FilterHeadersStatusValues {
    stream_context.headers.request.add("x-as-request", this.root_context.getConfiguration());
    stream_context.headers.request.remove("x-remove-me");
    return FilterHeadersStatusValues.Continue;
  }

  onResponseHeaders(a: u32, end_of_stream: bool): FilterHeadersStatusValues {
    stream_context.headers.response.add("x-as-response", "hello from assemblyscript");
    stream_context.headers.response.remove("x-upstream-secret");
    return FilterHeadersStatusValues.Continue;
  }
}

// deny: a request carrying x-deny gets 401 from the filter.
class DenyRoot extends RootContext {
  createContext(context_id: u32): Context {
    return new Deny(context_id, this);
  }
}

class Deny extends Context {
  constructor(context_id: u32, root_context: DenyRoot) {
    super(context_id, root_context);
  }

  onRequestHeaders(a: u32, end_of_stream: bool): FilterHeadersStatusValues {
    if (stream_context.headers.request.get("x-deny") != "") {
      let headers: Headers = [];
      headers.push(new HeaderPair(String.UTF8.encode("x-denied-by"), String.UTF8.encode("assemblyscript")));
      send_local_response(401, "denied", String.UTF8.encode("no entry\n"), headers, GrpcStatusValues.Unauthenticated);
      return FilterHeadersStatusValues.StopIteration;
    }
    return FilterHeadersStatusValues.Continue;
  }
}

// call_out: asks the upstream named by the configuration (GET /side) and forwards its x-side header as x-side-said.
class CallOutRoot extends RootContext {
  createContext(context_id: u32): Context {
    return new CallOut(context_id, this);
  }
}

class CallOut extends Context {
  constructor(context_id: u32, root_context: CallOutRoot) {
    super(context_id, root_context);
  }

  onRequestHeaders(a: u32, end_of_stream: bool): FilterHeadersStatusValues {
    let headers: Headers = [];
    headers.push(new HeaderPair(String.UTF8.encode(":method"), String.UTF8.encode("GET")));
    headers.push(new HeaderPair(String.UTF8.encode(":path"), String.UTF8.encode("/side")));
    headers.push(new HeaderPair(String.UTF8.encode(":authority"), String.UTF8.encode("side")));
    let root = this.root_context;
    root.httpCall(root.getConfiguration(), headers, new ArrayBuffer(0), [], 5000, this,
      (origin: Context, h: u32, body_size: usize, t: u32): void => {
        let said = stream_context.headers.http_callback.get("x-side");
        stream_context.headers.request.add("x-side-said", said);
        origin.continueRequest();
      });
    return FilterHeadersStatusValues.StopIteration;
  }
}

registerRootContext((context_id: u32): RootContext => { return new AddHeaderRoot(context_id); }, "add_header");
registerRootContext((context_id: u32): RootContext => { return new DenyRoot(context_id); }, "deny");
registerRootContext((context_id: u32): RootContext => { return new CallOutRoot(context_id); }, "call_out");
