using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Filters.Wasm.Runtime;

namespace Sluice.Filters.Wasm;

/// <summary>
/// <c>options.wasm</c>: proxy-wasm filters. Validation loads each module (compiled once per SHA-256), starts an
/// instance and runs <c>proxy_on_vm_start</c> and <c>proxy_on_configure</c> with the configuration, so a module that
/// does not load, carries no ABI marker or rejects its configuration rejects the resource that names it, with the
/// reason, and nothing else. The started plugin is kept with the validated options, so the snapshot serves exactly the
/// module that was validated even if the file changes again before the next reload.
/// </summary>
internal sealed class WasmFilterDescriptor : FilterDescriptor<WasmOptions>
{
    private static readonly ConditionalWeakTable<WasmFilterOptions, WasmPlugin> Validated = [];
    private static readonly Dictionary<string, WeakReference<WasmPlugin>> Plugins = new(StringComparer.Ordinal);
    private static readonly Lock PluginsGate = new();
    private static readonly HttpClient Downloads = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Where filters' own logs go; the gateway sets its logger factory at start.</summary>
    public static ILoggerFactory Loggers { get; set; } = NullLoggerFactory.Instance;

    public override string OptionName => "wasm";

    public override FilterStage Stage => FilterStage.Transform;

    protected override void Validate(WasmOptions options, IOptionsDiagnostics diagnostics)
    {
        for (var i = 0; i < options.Filters.Count; i++)
        {
            var entry = options.Filters[i];
            var path = $"filters[{i}]";
            if (entry.Image is not null)
            {
                diagnostics.Error($"{path}.image", "WebAssembly Hub images are not supported (the hub is gone): build the filter to a .wasm (sluice wasm build) and reference it with filePath, or serve it and use httpUri with its sha256");
                continue;
            }

            if ((entry.FilePath is null) == (entry.HttpUri is null))
            {
                diagnostics.Error(path, "set exactly one of filePath (a .wasm on the gateway's disk) or httpUri (uri and sha256)");
                continue;
            }

            if (entry.MaxMemoryBytes is { } memory && memory < 64 * 1024)
            {
                diagnostics.Error($"{path}.maxMemoryBytes", "maxMemoryBytes must be at least 65536 (one WebAssembly page)");
                continue;
            }

            if (entry.CallTimeout is { } timeout && timeout <= TimeSpan.Zero)
            {
                diagnostics.Error($"{path}.callTimeout", "callTimeout must be positive");
                continue;
            }

            if (entry.Instances is { } instances && instances is < 1 or > 64)
            {
                diagnostics.Error($"{path}.instances", "instances must be between 1 and 64");
                continue;
            }

            var (plugin, field, error) = Prepare(entry);
            if (error is not null)
            {
                diagnostics.Error($"{path}.{field}", error);
                continue;
            }

            Validated.AddOrUpdate(entry, plugin!);
        }
    }

    public override IEnumerable<string> ReferencedFiles(object options)
    {
        var files = new List<string>();
        foreach (var entry in ((WasmOptions)options).Filters)
        {
            if (entry.FilePath is { } path)
            {
                files.Add(Path.GetFullPath(path));
            }
        }

        return files;
    }

    public override IEnumerable<HttpFilter> CompileAll(object options, FilterCompileContext context)
    {
        var wasm = (WasmOptions)options;
        var filters = new List<HttpFilter>(wasm.Filters.Count);
        foreach (var entry in wasm.Filters)
        {
            var stage = StageOf(entry.FilterStage);
            if (Validated.TryGetValue(entry, out var plugin))
            {
                filters.Add(new WasmFilter(plugin, entry.Name, stage, entry.FailOpen));
                continue;
            }

            // Options that were never validated in this process (built in code): load now, or serve by failOpen.
            var (prepared, _, error) = Prepare(entry);
            filters.Add(new WasmFilter(prepared, entry.Name, stage, entry.FailOpen, error));
        }

        return filters;
    }

    protected override HttpFilter Compile(WasmOptions options)
    {
        foreach (var filter in CompileAll(options, FilterCompileContext.Empty))
        {
            return filter;
        }

        return new WasmFilter(null, "(none)", Stage, failOpen: true, "no filters");
    }

    /// <summary>Loads and starts a filter: the plugin, or the field to blame and why it cannot run.</summary>
    internal static (WasmPlugin? Plugin, string Field, string? Error) Prepare(WasmFilterOptions entry, Action<int, string>? onGuestLog = null, ILogger? logger = null)
    {
        var field = entry.FilePath is not null ? "filePath" : "httpUri";
        WasmModule module;
        try
        {
            module = Load(entry);
        }
        catch (WasmLoadException ex)
        {
            return (null, field, ex.Message);
        }

        var settings = new WasmPluginSettings(
            entry.MaxMemoryBytes ?? WasmPluginSettings.DefaultMaxMemoryBytes,
            entry.CallTimeout ?? WasmPluginSettings.DefaultCallTimeout,
            entry.MaxBodyBytes ?? WasmPluginSettings.DefaultMaxBodyBytes,
            entry.Instances ?? WasmPluginSettings.DefaultInstances,
            entry.FailOpen);
        var configuration = WasmPlugin.Bytes(entry.Config);
        var vmConfiguration = WasmPlugin.Bytes(entry.VmConfig);
        // The logger factory is part of the key: a plugin logs where the gateway that configured it logs (tests run several).
        var loggers = Loggers;
        var key = string.Join('\n', module.Sha256, entry.Name, entry.RootId, entry.Config?.Text, entry.VmConfig?.Text, settings.ToString(),
            RuntimeHelpers.GetHashCode(loggers).ToString(CultureInfo.InvariantCulture));
        WasmPlugin? plugin = null;
        if (onGuestLog is null)
        {
            lock (PluginsGate)
            {
                if (Plugins.TryGetValue(key, out var weak) && weak.TryGetTarget(out var existing))
                {
                    plugin = existing;
                }
            }
        }

        plugin ??= new WasmPlugin(entry.Name, entry.RootId, module, configuration, vmConfiguration, settings,
            logger ?? LoggerFor(loggers, entry.Name), TimeProvider.System) { OnGuestLog = onGuestLog };
        var error = plugin.StartFirst();
        if (error is not null)
        {
            return (null, error.Contains("configuration", StringComparison.Ordinal) ? (error.Contains("VM", StringComparison.Ordinal) ? "vmConfig" : "config") : field, error);
        }

        if (onGuestLog is null)
        {
            lock (PluginsGate)
            {
                Plugins[key] = new WeakReference<WasmPlugin>(plugin);
                if (Plugins.Count > 256)
                {
                    foreach (var (staleKey, weak) in Plugins.ToList())
                    {
                        if (!weak.TryGetTarget(out _))
                        {
                            Plugins.Remove(staleKey);
                        }
                    }
                }
            }
        }

        return (plugin, field, null);
    }

    private static ILogger LoggerFor(ILoggerFactory loggers, string name)
    {
        try
        {
            return loggers.CreateLogger("Sluice.Wasm." + name);
        }
        catch (ObjectDisposedException)
        {
            // The gateway that set the factory has stopped (an offline command after it, or tests).
            return NullLogger.Instance;
        }
    }

    private static WasmModule Load(WasmFilterOptions entry)
    {
        if (entry.FilePath is { } filePath)
        {
            var full = Path.GetFullPath(filePath);
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(full);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new WasmLoadException($"cannot read the module {full}: {ex.Message}");
            }

            return WasmRuntime.Shared.GetOrCompile(bytes);
        }

        var source = entry.HttpUri!;
        var expected = source.Sha256.Trim().ToLowerInvariant();
        if (expected.Length != 64 || !expected.All(char.IsAsciiHexDigit))
        {
            throw new WasmLoadException("httpUri.sha256 must be the 64 hex digits of the module's SHA-256");
        }

        if (WasmRuntime.Shared.TryGetCached(expected, out var cached))
        {
            return cached;
        }

        if (!Uri.TryCreate(source.Uri, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new WasmLoadException($"httpUri.uri '{source.Uri}' is not an absolute http or https URI");
        }

        byte[] downloaded;
        try
        {
            downloaded = Downloads.GetByteArrayAsync(uri).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            throw new WasmLoadException($"cannot fetch the module from {uri}: {ex.Message}");
        }

        var actual = WasmRuntime.Sha256Hex(downloaded);
        if (actual != expected)
        {
            throw new WasmLoadException(string.Create(CultureInfo.InvariantCulture, $"the module fetched from {uri} has SHA-256 {actual}, not the configured {expected}; it was not loaded"));
        }

        return WasmRuntime.Shared.GetOrCompile(downloaded, actual);
    }

    /// <summary>Gloo's stages on Sluice's coarser chain; before/after move to the neighbouring stage.</summary>
    internal static FilterStage StageOf(WasmFilterStage? stage)
    {
        var during = (stage?.Stage ?? WasmStage.AcceptedStage) switch
        {
            WasmStage.FaultStage => FilterStage.Fault,
            WasmStage.CorsStage => FilterStage.Cors,
            WasmStage.WafStage or WasmStage.AuthNStage => FilterStage.AuthN,
            WasmStage.AuthZStage => FilterStage.AuthZ,
            WasmStage.RateLimitStage => FilterStage.RateLimit,
            WasmStage.RouteStage => FilterStage.Route,
            _ => FilterStage.Transform,
        };
        return stage?.Predicate switch
        {
            WasmStagePredicate.Before when during > FilterStage.Fault => during - 1,
            WasmStagePredicate.After when during < FilterStage.Route => during + 1,
            _ => during,
        };
    }
}
