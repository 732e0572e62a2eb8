using System.CommandLine;
using System.Net;
using Sluice.Gateway;
using Sluice.Gateway.Cli;
using Sluice.Gateway.Telemetry;

var configOption = new Option<string[]>("--config", "-c")
{
    Description = "A directory or file of YAML resources; repeat for several. Default: config/",
    AllowMultipleArgumentsPerToken = false,
};
var stateOption = new Option<string>("--state-dir")
{
    Description = "Where the last good configuration is kept across restarts. Default: $SLUICE_STATE_DIR or .sluice-state",
};
var adminOption = new Option<string>("--admin")
{
    Description = "HOST:PORT of the admin listener (healthz, readyz, admin/config). Default: 127.0.0.1:19000",
    DefaultValueFactory = _ => "127.0.0.1:19000",
};
var maxInFlightOption = new Option<int>("--max-in-flight")
{
    Description = "Requests in flight across all listeners beyond which new ones get 503 with Retry-After. Default: 10000",
    DefaultValueFactory = _ => 10_000,
};
var adminTokenFileOption = new Option<string>("--admin-token-file")
{
    Description = "A file holding a token the admin API requires as 'Authorization: Bearer TOKEN' (/healthz and /readyz stay open). Default: $SLUICE_ADMIN_TOKEN, else none",
};
var webhookListenOption = new Option<string>("--webhook-listen") { Description = "HOST:PORT of the Kubernetes validating admission webhook (HTTPS, POST /validate). Default: off" };
var webhookCertOption = new Option<string>("--webhook-cert") { Description = "PEM certificate of the webhook listener; reloaded when it changes" };
var webhookKeyOption = new Option<string>("--webhook-key") { Description = "PEM private key of the webhook listener" };
var run = new Command("run", "Serve the configuration and reload it whenever a file changes.") { configOption, stateOption, adminOption, maxInFlightOption, adminTokenFileOption, webhookListenOption, webhookCertOption, webhookKeyOption };
IngressCommandLine.Register(run);
TelemetryCliOptions.AddTo(run);
run.SetAction(async (parse, cancellation) =>
{
    var admin = parse.GetValue(adminOption)!;
    if (!IPEndPoint.TryParse(admin.Replace("localhost", "127.0.0.1", StringComparison.Ordinal), out var adminEndpoint) || adminEndpoint.Port == 0)
    {
        Console.Error.WriteLine($"--admin: '{admin}' is not HOST:PORT (for example 127.0.0.1:19000)");
        return 2;
    }

    if (!WebhookArguments.TryParse(parse.GetValue(webhookListenOption), parse.GetValue(webhookCertOption), parse.GetValue(webhookKeyOption), out var webhook, out var webhookProblem))
    {
        Console.Error.WriteLine(webhookProblem);
        return 2;
    }

    var configs = parse.GetValue(configOption) is { Length: > 0 } given ? given : ["config"];
    var state = parse.GetValue(stateOption) ?? Environment.GetEnvironmentVariable("SLUICE_STATE_DIR") ?? ".sluice-state";
    if (TelemetryCliOptions.Parse(parse, Console.Error) is not { } telemetry)
    {
        return 2;
    }

    if (parse.GetValue(maxInFlightOption) is < 1)
    {
        Console.Error.WriteLine("--max-in-flight: must be at least 1");
        return 2;
    }

    string? adminToken = Environment.GetEnvironmentVariable("SLUICE_ADMIN_TOKEN");
    if (parse.GetValue(adminTokenFileOption) is { } tokenFile)
    {
        try
        {
            adminToken = File.ReadAllText(tokenFile).Trim();
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"--admin-token-file: {ex.Message}");
            return 2;
        }
    }

    var options = new GatewayRunOptions
    {
        ConfigPaths = configs,
        StateDirectory = Path.GetFullPath(state),
        AdminEndpoint = adminEndpoint,
        MaxRequestsInFlight = parse.GetValue(maxInFlightOption),
        AdminToken = string.IsNullOrEmpty(adminToken) ? null : adminToken,
        Webhook = webhook,
        Telemetry = telemetry,
    };
    options = IngressCommandLine.Apply(parse, options);
    await using var app = GatewayHost.Build(options);
    await app.RunAsync(cancellation).ConfigureAwait(false);
    return 0;
});

var pathsArgument = new Argument<string[]>("PATH") { Description = "YAML files or directories to validate", Arity = ArgumentArity.OneOrMore };
var validate = new Command("validate", "Check YAML resources offline; exit 0 when valid (warnings allowed), 1 on errors, 2 on bad usage.") { pathsArgument };
validate.SetAction(parse => ValidateCommand.Run(parse.GetValue(pathsArgument)!, Console.Out));

var listenOption = new Option<string>("--listen") { Description = "HOST:PORT to listen on", DefaultValueFactory = _ => "127.0.0.1:9090" };
var nameOption = new Option<string>("--name") { Description = "A name echoed in every response", DefaultValueFactory = _ => "demo" };
var demo = new Command("demo-backend", "Run a small echo server that answers with what it received (for trying the example config).") { listenOption, nameOption };
demo.SetAction(async (parse, cancellation) =>
{
    var listen = parse.GetValue(listenOption)!;
    if (!IPEndPoint.TryParse(listen, out var endpoint) || endpoint.Port == 0)
    {
        Console.Error.WriteLine($"--listen: '{listen}' is not HOST:PORT");
        return 2;
    }

    return await DemoBackend.RunAsync(endpoint, parse.GetValue(nameOption)!, cancellation).ConfigureAwait(false);
});

var crdsOutputOption = new Option<string>("--output", "-o") { Description = "The folder to write the CRDs into", DefaultValueFactory = _ => Path.Combine("deploy", "crds") };
var crds = new Command("crds", "Write the CustomResourceDefinitions generated from the model (build step).") { crdsOutputOption };
crds.Hidden = true;
crds.SetAction(parse => CrdsCommand.Run(parse.GetValue(crdsOutputOption)!, Console.Out));

var root = new RootCommand("Sluice: an edge API gateway on Kestrel and YARP, configured with Gloo-style YAML.") { run, validate, demo, crds, Sluice.Gateway.Cli.Wasm.WasmCommand.Create() };
ToolCommands.AddTo(root);
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine(error.Message);
    }

    Console.Error.WriteLine("Run 'sluice --help' for usage.");
    return 2;
}

return await parsed.InvokeAsync().ConfigureAwait(false);
