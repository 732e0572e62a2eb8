namespace Sluice.Gateway.Cli.Wasm;

/// <summary>
/// <c>sluice wasm init NAME --lang assemblyscript</c>: a filter project on the AssemblyScript SDK WebAssembly Hub used,
/// with the exact compiler version the SDK pins, a header filter to start from and the YAML that puts it on a route.
/// </summary>
internal static class WasmInit
{
    public const string SdkVersion = "0.1.8";

    /// <summary>The assemblyscript version @solo-io/proxy-runtime 0.1.8 was built and locked with.</summary>
    public const string CompilerVersion = "0.14.9";

    public static int Run(string name, string language, TextWriter output, TextWriter error)
    {
        if (!string.Equals(language, "assemblyscript", StringComparison.OrdinalIgnoreCase))
        {
            error.WriteLine($"--lang: '{language}' is not supported; use assemblyscript (Rust, Go and C++ SDK filters run too, build them with their own tools)");
            return 2;
        }

        var leaf = Path.GetFileName(Path.TrimEndingDirectorySeparator(name));
        if (leaf.Length == 0 || leaf.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            error.WriteLine($"NAME: '{name}' cannot be a folder name");
            return 2;
        }

        var directory = Path.GetFullPath(name);
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            error.WriteLine($"{directory} exists and is not empty; pick another name");
            return 1;
        }

        var package = Path.GetFileName(directory).ToLowerInvariant();
        Directory.CreateDirectory(Path.Combine(directory, "assembly"));
        File.WriteAllText(Path.Combine(directory, "package.json"), $$"""
            {
              "name": "{{package}}",
              "version": "0.1.0",
              "private": true,
              "scripts": {
                "build": "asc assembly/index.ts -b build/filter.wasm --use abort=abort_proc_exit --optimize"
              },
              "dependencies": {
                "@solo-io/proxy-runtime": "{{SdkVersion}}"
              },
              "devDependencies": {
                "assemblyscript": "{{CompilerVersion}}"
              }
            }

            """);
        File.WriteAllText(Path.Combine(directory, "asconfig.json"), """
            {
              "targets": {
                "release": { "binaryFile": "build/filter.wasm", "optimize": true, "use": ["abort=abort_proc_exit"] }
              },
              "options": {}
            }

            """);
        File.WriteAllText(Path.Combine(directory, ".gitignore"), "node_modules/\nbuild/\n");
        File.WriteAllText(Path.Combine(directory, "assembly", "index.ts"), $$"""
            // A proxy-wasm filter: adds a header to the request (its value from the configuration) and one to the response.
            export * from "@solo-io/proxy-runtime/proxy";
            import { RootContext, Context, registerRootContext, FilterHeadersStatusValues, stream_context } from "@solo-io/proxy-runtime";

            class {{Pascal(package)}}Root extends RootContext {
              createContext(context_id: u32): Context {
                return new {{Pascal(package)}}(context_id, this);
              }
            }

            class {{Pascal(package)}} extends Context {
              constructor(context_id: u32, root_context: {{Pascal(package)}}Root) {
                super(context_id, root_context);
              }

              onRequestHeaders(headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
                stream_context.headers.request.add("x-{{package}}", this.root_context.getConfiguration());
                return FilterHeadersStatusValues.Continue;
              }

              onResponseHeaders(headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
                stream_context.headers.response.add("x-{{package}}-response", "hello");
                return FilterHeadersStatusValues.Continue;
              }
            }

            registerRootContext((context_id: u32): RootContext => { return new {{Pascal(package)}}Root(context_id); }, "{{package}}");

            """);
        File.WriteAllText(Path.Combine(directory, "route-example.yaml"), $$"""
            # Put the filter on a route: copy this under a route's (or the virtual host's) options.
            options:
              wasm:
                filters:
                - name: {{package}}
                  filePath: {{Path.Combine(directory, "build", "filter.wasm")}}
                  rootId: {{package}}
                  # proxy-runtime 0.1.8 needs a non-empty configuration.
                  config: hello
                  failOpen: false

            """);
        output.WriteLine($"Created {directory}");
        output.WriteLine($"  sluice wasm build {name}");
        output.WriteLine($"  sluice wasm test {Path.Combine(name, "build", "filter.wasm")} --root-id {package} --config hello --request 'GET /'");
        return 0;
    }

    private static string Pascal(string name)
    {
        var builder = new System.Text.StringBuilder();
        var upper = true;
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                upper = true;
                continue;
            }

            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return builder.Length == 0 || char.IsAsciiDigit(builder[0]) ? "Filter" + builder : builder.ToString();
    }
}
