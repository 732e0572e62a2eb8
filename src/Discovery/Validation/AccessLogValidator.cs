using Sluice.Discovery.Model;

namespace Sluice.Discovery.Validation;

/// <summary>Checks a Gateway's <c>options.accessLoggingService</c>: a sink per log, formats Sluice can print, one filter kind each.</summary>
internal static class AccessLogValidator
{
    public static void Validate(ListenerOptions? options, string path, ResourceDiagnostics diagnostics)
    {
        if (options?.AccessLoggingService is not { } service)
        {
            return;
        }

        for (var i = 0; i < service.AccessLog.Count; i++)
        {
            var log = service.AccessLog[i];
            var logPath = $"{path}.accessLoggingService.accessLog[{i}]";
            if (log.FileSink is not { } sink)
            {
                diagnostics.Error(logPath, "an access log needs a fileSink (path: /dev/stdout for standard output)");
                continue;
            }

            if (sink.Path.Length == 0)
            {
                diagnostics.Error($"{logPath}.fileSink.path", "path must not be empty");
            }

            if (sink.StringFormat is not null && sink.JsonFormat is not null)
            {
                diagnostics.Error($"{logPath}.fileSink", "set stringFormat or jsonFormat, not both");
            }

            if (sink.StringFormat is { } text && !AccessLogTemplate.TryParse(text, out _, out var error))
            {
                diagnostics.Error($"{logPath}.fileSink.stringFormat", error!);
            }

            if (sink.JsonFormat is { } json)
            {
                foreach (var (key, value) in json)
                {
                    if (!AccessLogTemplate.TryParse(value, out _, out var jsonError))
                    {
                        diagnostics.Error($"{logPath}.fileSink.jsonFormat.{key}", jsonError!);
                    }
                }
            }

            if (log.Filter is { } filter)
            {
                ValidateFilter(filter, $"{logPath}.filter", diagnostics);
            }
        }
    }

    private static void ValidateFilter(AccessLogFilter filter, string path, ResourceDiagnostics diagnostics)
    {
        var kinds = (filter.StatusCodeFilter is null ? 0 : 1) + (filter.DurationFilter is null ? 0 : 1) + (filter.AndFilter is null ? 0 : 1) + (filter.OrFilter is null ? 0 : 1);
        if (kinds != 1)
        {
            diagnostics.Error(path, "a filter is exactly one of statusCodeFilter, durationFilter, andFilter, orFilter");
            return;
        }

        if (filter.StatusCodeFilter?.Comparison?.Value is { DefaultValue: > 999 } status)
        {
            diagnostics.Error($"{path}.statusCodeFilter.comparison.value.defaultValue", $"{status.DefaultValue} is not an HTTP status");
        }

        if ((filter.AndFilter ?? filter.OrFilter) is { } list)
        {
            var name = filter.AndFilter is null ? "orFilter" : "andFilter";
            if (list.Filters.Count < 2)
            {
                diagnostics.Error($"{path}.{name}.filters", $"{name} needs at least two filters");
            }

            for (var i = 0; i < list.Filters.Count; i++)
            {
                ValidateFilter(list.Filters[i], $"{path}.{name}.filters[{i}]", diagnostics);
            }
        }
    }
}
