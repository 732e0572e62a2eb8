using Sluice.Gateway.Cli.Wasm;

namespace Sluice.EndToEnd.Tests.Wasm;

/// <summary>The developer path: <c>sluice wasm init</c>, <c>build</c> and <c>test</c> on a scaffolded AssemblyScript filter.</summary>
public sealed class WasmCliTests(AssemblyScriptFilters filters) : IClassFixture<AssemblyScriptFilters>
{
    [Fact]
    public async Task InitBuildTest_ScaffoldedFilter_BuildsAndAddsItsHeaders()
    {
        var root = Path.Combine(Path.GetTempPath(), "sluice-wasm-cli-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        var project = Path.Combine(root, "my-filter");
        try
        {
            using var initOutput = new StringWriter();
            Assert.Equal(0, WasmInit.Run(project, "assemblyscript", initOutput, initOutput));
            Assert.True(File.Exists(Path.Combine(root, "my-filter", "assembly", "index.ts")));
            Assert.Contains("\"assemblyscript\": \"0.14.9\"", await File.ReadAllTextAsync(Path.Combine(root, "my-filter", "package.json")), StringComparison.Ordinal);

            // The SDK the fixture installed is the one the scaffold pins; link it rather than download it again.
            Directory.CreateSymbolicLink(Path.Combine(root, "my-filter", "node_modules"), Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(filters.ModulePath)!)!, "node_modules"));
            using var buildOutput = new StringWriter();
            Assert.Equal(0, await WasmBuild.RunAsync(project, buildOutput, buildOutput, CancellationToken.None));
            var wasm = Path.Combine(root, "my-filter", "build", "filter.wasm");
            Assert.True(File.Exists(wasm), buildOutput.ToString());

            using var testOutput = new StringWriter();
            var code = await WasmTest.RunAsync(new WasmTestRequest(wasm, "GET /hello", ["x-client: 1"], "configured", "my-filter", null, 200, [], "upstream body"), testOutput);
            var printed = testOutput.ToString();
            Assert.Equal(0, code);
            Assert.Contains("+ x-my-filter: configured", printed, StringComparison.Ordinal);
            Assert.Contains("+ x-my-filter-response: hello", printed, StringComparison.Ordinal);
            Assert.Contains("forwarded as GET /hello", printed, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Test_ModuleThatRejectsItsConfiguration_SaysSo()
    {
        var file = Path.Combine(Path.GetTempPath(), "sluice-wasm-reject-" + Guid.NewGuid().ToString("N")[..8] + ".wat");
        await File.WriteAllTextAsync(file, WatFilters.RejectsConfig);
        try
        {
            using var output = new StringWriter();
            var code = await WasmTest.RunAsync(new WasmTestRequest(file, "GET /", [], "x", string.Empty, null, 200, [], string.Empty), output);
            Assert.Equal(1, code);
            Assert.Contains("rejected its configuration", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
