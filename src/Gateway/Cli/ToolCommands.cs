using System.CommandLine;

namespace Sluice.Gateway.Cli;

/// <summary>The observability tools: inspect, route test, get and check (online against the admin API or offline on files).</summary>
internal static class ToolCommands
{
    public static void AddTo(RootCommand root)
    {
        root.Add(InspectCommand.Create());
        root.Add(RouteTestCommand.Create());
        root.Add(GetCommand.Create());
        root.Add(CheckCommand.Create());
    }
}
