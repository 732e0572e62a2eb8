using System.CommandLine;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.Inspection;

namespace Sluice.Gateway.Cli;

/// <summary>
/// Where the inspection tools read from: config files compiled offline (<c>--config DIR</c>, repeatable) or a running
/// gateway's admin API (<c>--admin URL</c>, the default). Both give the same answers; only online ones have live health.
/// </summary>
internal sealed class ToolSource(params string[] outputs)
{
    private readonly string[] _outputs = outputs.Length == 0 ? ["text", "json"] : outputs;

    public Option<string[]> Config { get; } = new("--config", "-c")
    {
        Description = "Work offline on these YAML files or directories (repeatable) instead of asking a running gateway",
    };

    public Option<string> Admin { get; } = new("--admin")
    {
        Description = $"URL (or HOST:PORT) of a running gateway's admin API. Default: {AdminClient.DefaultAddress}",
    };

    public Option<string> AdminTokenFile { get; } = new("--admin-token-file")
    {
        Description = "A file holding the admin API's bearer token, when 'sluice run' was given one. Default: $SLUICE_ADMIN_TOKEN, else none",
    };

    public Option<string> Output => _output ??= new("--output", "-o")
    {
        Description = $"{string.Join(", ", _outputs)} (default {_outputs[0]})",
        DefaultValueFactory = _ => _outputs[0],
    };

    private Option<string>? _output;

    public void AddTo(Command command)
    {
        command.Add(Config);
        command.Add(Admin);
        command.Add(AdminTokenFile);
        command.Add(Output);
    }

    public bool Json(ParseResult parse) => string.Equals(parse.GetValue(Output), "json", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Runs <paramref name="offline"/> on the compiled files when <c>--config</c> is given, else <paramref name="online"/>
    /// against the admin API. Returns the exit code: 2 for bad usage or an unreachable gateway.
    /// </summary>
    public async Task<int> RunAsync(ParseResult parse, Func<CompiledConfig, Task<int>> offline, Func<AdminClient, Task<int>> online)
    {
        var configs = parse.GetValue(Config);
        var admin = parse.GetValue(Admin);
        if (configs is { Length: > 0 } && admin is not null)
        {
            Console.Error.WriteLine("--config and --admin exclude each other: work on files or ask a running gateway");
            return 2;
        }

        var output = parse.GetValue(Output);
        if (output is null || !_outputs.Contains(output, StringComparer.OrdinalIgnoreCase))
        {
            Console.Error.WriteLine($"--output: '{output}' is not one of {string.Join(", ", _outputs)}");
            return 2;
        }

        if (configs is { Length: > 0 })
        {
            using var loaded = OfflineConfig.TryLoad(configs, out var error);
            if (loaded is null)
            {
                Console.Error.WriteLine(error);
                return 2;
            }

            return await offline(loaded.Config).ConfigureAwait(false);
        }

        var token = Environment.GetEnvironmentVariable("SLUICE_ADMIN_TOKEN");
        if (parse.GetValue(AdminTokenFile) is { } tokenFile)
        {
            try
            {
                token = File.ReadAllText(tokenFile).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"--admin-token-file: {ex.Message}");
                return 2;
            }
        }

        using var client = AdminClient.TryCreate(admin ?? AdminClient.DefaultAddress, string.IsNullOrEmpty(token) ? null : token, out var clientError);
        if (client is null)
        {
            Console.Error.WriteLine(clientError);
            return 2;
        }

        return await online(client).ConfigureAwait(false);
    }
}
