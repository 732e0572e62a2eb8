using System.Globalization;
using System.Net;
using Sluice.Discovery.Model;
using Sluice.Discovery.Validation;

namespace Sluice.Discovery.Ingress;

/// <summary>
/// The checks the Kubernetes API server makes on an Ingress (apis/networking/validation), so a file is held to the
/// same rules as a cluster, plus one ingress controllers add: Exact and Prefix paths are literal and may not hold
/// regex characters. Run only on Ingresses Sluice implements; another controller's Ingress is none of our business.
/// </summary>
public static class IngressValidator
{
    private const string RegexCharacters = "^$*+?()[]{}|\\";

    public static IReadOnlyList<Diagnostic> Validate(Ingress ingress)
    {
        var diagnostics = new ResourceDiagnostics(ingress);
        var spec = ingress.Spec;
        if (spec.Rules.Count == 0 && spec.DefaultBackend is null)
        {
            diagnostics.Error("spec", "an Ingress needs 'rules' or a 'defaultBackend'");
        }

        if (spec.IngressClassName is { } className)
        {
            if (!KubernetesNameRules.IsDnsSubdomain(className))
            {
                diagnostics.Error("ingressClassName", $"'{className}' is not a valid IngressClass name (a lower-case DNS subdomain)");
            }

            if (ingress.Metadata.Annotations.ContainsKey(IngressControllerSettings.LegacyClassAnnotation))
            {
                diagnostics.Error("ingressClassName", $"set either spec.ingressClassName or the annotation '{IngressControllerSettings.LegacyClassAnnotation}', not both (the API server refuses both)");
            }
        }

        if (spec.DefaultBackend is { } defaultBackend)
        {
            ValidateBackend(defaultBackend, "defaultBackend", diagnostics);
        }

        for (var i = 0; i < spec.Rules.Count; i++)
        {
            var rule = spec.Rules[i];
            var rulePath = $"rules[{i}]";
            if (rule.Host is { } host)
            {
                ValidateHost(host, $"{rulePath}.host", diagnostics);
            }

            if (rule.Http is not { } http)
            {
                continue;
            }

            if (http.Paths.Count == 0)
            {
                diagnostics.Error($"{rulePath}.http.paths", "an http rule needs at least one path");
            }

            for (var j = 0; j < http.Paths.Count; j++)
            {
                ValidatePath(http.Paths[j], $"{rulePath}.http.paths[{j}]", diagnostics);
            }
        }

        for (var i = 0; i < spec.Tls.Count; i++)
        {
            var tls = spec.Tls[i];
            for (var j = 0; j < tls.Hosts.Count; j++)
            {
                ValidateHost(tls.Hosts[j], $"tls[{i}].hosts[{j}]", diagnostics);
            }

            if (tls.SecretName is { Length: > 0 } secretName && !KubernetesNameRules.IsDnsSubdomain(secretName))
            {
                diagnostics.Error($"tls[{i}].secretName", $"'{secretName}' is not a valid Secret name (a lower-case DNS subdomain)");
            }
        }

        return diagnostics.Items;
    }

    private static void ValidatePath(HttpIngressPath path, string fieldPath, ResourceDiagnostics diagnostics)
    {
        var type = path.PathType;
        if (type is null)
        {
            diagnostics.Error($"{fieldPath}.pathType", "missing required field 'pathType': use Exact, Prefix or ImplementationSpecific");
        }
        else if (type is not (IngressPathTypes.Exact or IngressPathTypes.Prefix or IngressPathTypes.ImplementationSpecific))
        {
            diagnostics.Error($"{fieldPath}.pathType", $"'{type}' is not a path type; use Exact, Prefix or ImplementationSpecific");
        }

        var value = path.Path;
        var literal = type is IngressPathTypes.Exact or IngressPathTypes.Prefix;
        if (literal)
        {
            if (string.IsNullOrEmpty(value) || value[0] != '/')
            {
                diagnostics.Error($"{fieldPath}.path", $"a {type} path must be absolute (start with '/'), got '{value}'");
            }
            else if (InvalidSequence(value) is { } sequence)
            {
                diagnostics.Error($"{fieldPath}.path", $"a {type} path must not contain '{sequence}', got '{value}'");
            }
            else if (value.IndexOfAny(RegexCharacters.ToCharArray()) is var at and >= 0)
            {
                diagnostics.Error($"{fieldPath}.path", $"a {type} path is matched literally and must not contain regex characters ('{value[at]}' in '{value}')");
            }
        }
        else if (!string.IsNullOrEmpty(value) && value[0] != '/')
        {
            diagnostics.Error($"{fieldPath}.path", $"a path must be absolute (start with '/'), got '{value}'");
        }

        if (path.Backend is null)
        {
            diagnostics.Error($"{fieldPath}.backend", "missing required field 'backend'");
        }
        else
        {
            ValidateBackend(path.Backend, $"{fieldPath}.backend", diagnostics);
        }
    }

    /// <summary>What the API server refuses in Exact and Prefix paths: they would match differently after normalization.</summary>
    private static string? InvalidSequence(string path)
    {
        foreach (var sequence in (ReadOnlySpan<string>)["//", "/./", "/../", "%2f", "%2F"])
        {
            if (path.Contains(sequence, StringComparison.Ordinal))
            {
                return sequence;
            }
        }

        return path.EndsWith("/..", StringComparison.Ordinal) ? "/.." : path.EndsWith("/.", StringComparison.Ordinal) ? "/." : null;
    }

    private static void ValidateBackend(IngressBackend backend, string fieldPath, ResourceDiagnostics diagnostics)
    {
        if ((backend.Service is null) == (backend.Resource is null))
        {
            diagnostics.Error(fieldPath, "a backend needs exactly one of 'service' and 'resource'");
            return;
        }

        if (backend.Resource is { } resource)
        {
            if (string.IsNullOrEmpty(resource.Kind) || string.IsNullOrEmpty(resource.Name))
            {
                diagnostics.Error($"{fieldPath}.resource", "a resource backend needs 'kind' and 'name'");
            }

            return;
        }

        var service = backend.Service!;
        if (string.IsNullOrEmpty(service.Name))
        {
            diagnostics.Error($"{fieldPath}.service.name", "missing required field 'name'");
        }
        else if (!KubernetesNameRules.IsDnsLabel(service.Name))
        {
            diagnostics.Error($"{fieldPath}.service.name", $"'{service.Name}' is not a valid Service name (a lower-case DNS label starting with a letter)");
        }

        if (service.Port is not { } port)
        {
            diagnostics.Error($"{fieldPath}.service.port", "missing required field 'port': give its 'number' or 'name'");
            return;
        }

        if ((port.Name is null) == (port.Number is null))
        {
            diagnostics.Error($"{fieldPath}.service.port", "a Service port needs exactly one of 'number' and 'name'");
        }
        else if (port.Number is { } number && number is < 1 or > 65535)
        {
            diagnostics.Error($"{fieldPath}.service.port.number", string.Create(CultureInfo.InvariantCulture, $"port must be between 1 and 65535, got {number}"));
        }
        else if (port.Name is { } name && !KubernetesNameRules.IsPortName(name))
        {
            diagnostics.Error($"{fieldPath}.service.port.name", $"'{name}' is not a valid port name (up to 15 lower-case letters, digits and '-', with at least one letter)");
        }
    }

    private static void ValidateHost(string host, string fieldPath, ResourceDiagnostics diagnostics)
    {
        if (host.Contains(':', StringComparison.Ordinal) && !IPAddress.TryParse(host, out _))
        {
            diagnostics.Error(fieldPath, $"a host has no port, got '{host}'");
            return;
        }

        if (IPAddress.TryParse(host, out _))
        {
            diagnostics.Error(fieldPath, $"a host must be a DNS name, not an IP address, got '{host}'");
            return;
        }

        var name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
        if (name.Contains('*', StringComparison.Ordinal))
        {
            diagnostics.Error(fieldPath, $"a wildcard may only be the whole first label ('*.example.com'), got '{host}'");
        }
        else if (!KubernetesNameRules.IsDnsSubdomain(name))
        {
            diagnostics.Error(fieldPath, $"'{host}' is not a valid host: lower-case letters, digits, '-' and '.', each label starting and ending with a letter or digit");
        }
    }
}
