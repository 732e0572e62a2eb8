using System.CommandLine;
using Sluice.Discovery.Ingress;

namespace Sluice.Gateway.Cli;

/// <summary>The <c>run</c> flags that say who Sluice is as an ingress controller and where Ingress traffic is served.</summary>
internal static class IngressCommandLine
{
    private static readonly Option<string> ControllerOption = new("--ingress-controller")
    {
        Description = "IngressClasses with this spec.controller are Sluice's",
        DefaultValueFactory = _ => IngressControllerSettings.Default.ControllerName,
    };

    private static readonly Option<string> ClassOption = new("--ingress-class")
    {
        Description = "The kubernetes.io/ingress.class annotation value that selects Sluice",
        DefaultValueFactory = _ => IngressControllerSettings.Default.ClassName,
    };

    private static readonly Option<int> HttpPortOption = new("--ingress-http-port")
    {
        Description = "The listener port that serves Ingress rules over HTTP",
        DefaultValueFactory = _ => IngressControllerSettings.Default.HttpPort,
    };

    private static readonly Option<int> HttpsPortOption = new("--ingress-https-port")
    {
        Description = "The listener port that serves Ingress rules over HTTPS (bound when an Ingress has a usable tls entry)",
        DefaultValueFactory = _ => IngressControllerSettings.Default.HttpsPort,
    };

    public static void Register(Command run)
    {
        foreach (var port in (ReadOnlySpan<Option<int>>)[HttpPortOption, HttpsPortOption])
        {
            port.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() is < 1 or > 65535)
                {
                    result.AddError($"{port.Name}: a port between 1 and 65535");
                }
            });
        }

        run.Options.Add(ControllerOption);
        run.Options.Add(ClassOption);
        run.Options.Add(HttpPortOption);
        run.Options.Add(HttpsPortOption);
    }

    public static GatewayRunOptions Apply(ParseResult parse, GatewayRunOptions options) => options with
    {
        Ingress = new IngressControllerSettings
        {
            ControllerName = parse.GetValue(ControllerOption)!,
            ClassName = parse.GetValue(ClassOption)!,
            HttpPort = parse.GetValue(HttpPortOption),
            HttpsPort = parse.GetValue(HttpsPortOption),
        },
    };
}
