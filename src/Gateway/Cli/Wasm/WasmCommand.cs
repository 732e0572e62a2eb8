using System.CommandLine;

namespace Sluice.Gateway.Cli.Wasm;

/// <summary><c>sluice wasm init|build|test</c>: write, build and try a proxy-wasm filter without a running gateway.</summary>
internal static class WasmCommand
{
    public static Command Create()
    {
        var nameArgument = new Argument<string>("NAME") { Description = "The filter's name; a folder of that name is created" };
        var languageOption = new Option<string>("--lang") { Description = "The SDK to scaffold with (assemblyscript)", DefaultValueFactory = _ => "assemblyscript" };
        var init = new Command("init", "Scaffold a filter project: package.json pinning the SDK, assembly/index.ts with a header filter.") { nameArgument, languageOption };
        init.SetAction(parse => WasmInit.Run(parse.GetValue(nameArgument)!, parse.GetValue(languageOption)!, Console.Out, Console.Error));

        var directoryArgument = new Argument<string>("DIR") { Description = "The filter project (default: the current directory)", Arity = ArgumentArity.ZeroOrOne };
        var build = new Command("build", "Build a filter project to a .wasm (npm install when needed, then npm run build).") { directoryArgument };
        build.SetAction((parse, cancellation) => WasmBuild.RunAsync(parse.GetValue(directoryArgument) ?? ".", Console.Out, Console.Error, cancellation));

        var fileArgument = new Argument<string>("FILE") { Description = "The .wasm (or .wat) filter to run" };
        var requestOption = new Option<string>("--request") { Description = "METHOD and path, e.g. 'GET /path?q=1'", DefaultValueFactory = _ => "GET /" };
        var headerOption = new Option<string[]>("--header", "-H") { Description = "A request header 'name: value'; repeat for several", AllowMultipleArgumentsPerToken = false };
        var configOption = new Option<string>("--config") { Description = "The plugin configuration handed to proxy_on_configure (a string, often JSON)" };
        var rootIdOption = new Option<string>("--root-id") { Description = "The root id the filter registers (proxy-wasm root_id)", DefaultValueFactory = _ => string.Empty };
        var bodyOption = new Option<string>("--body") { Description = "A request body" };
        var statusOption = new Option<int>("--response-status") { Description = "The status the simulated upstream answers", DefaultValueFactory = _ => 200 };
        var responseHeaderOption = new Option<string[]>("--response-header") { Description = "A header of the simulated upstream response; repeat for several", AllowMultipleArgumentsPerToken = false };
        var responseBodyOption = new Option<string>("--response-body") { Description = "The simulated upstream response body", DefaultValueFactory = _ => "hello from the upstream\n" };
        var test = new Command("test", "Run a filter against one request offline and print what it did: headers added and removed, path and status changes, local responses, logs.")
        {
            fileArgument, requestOption, headerOption, configOption, rootIdOption, bodyOption, statusOption, responseHeaderOption, responseBodyOption,
        };
        test.SetAction((parse, cancellation) => WasmTest.RunAsync(
            new WasmTestRequest(
                parse.GetValue(fileArgument)!,
                parse.GetValue(requestOption)!,
                parse.GetValue(headerOption) ?? [],
                parse.GetValue(configOption),
                parse.GetValue(rootIdOption)!,
                parse.GetValue(bodyOption),
                parse.GetValue(statusOption),
                parse.GetValue(responseHeaderOption) ?? [],
                parse.GetValue(responseBodyOption)!),
            Console.Out));

        return new Command("wasm", "Write, build and try proxy-wasm filters (WebAssembly Hub's workflow, offline).") { init, build, test };
    }
}
