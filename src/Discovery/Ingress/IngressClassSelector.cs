using Sluice.Discovery.Graph;

namespace Sluice.Discovery.Ingress;

/// <summary>
/// Decides which Ingresses Sluice implements, as Kubernetes ingress controllers do: the legacy
/// <c>kubernetes.io/ingress.class</c> annotation equal to our class name; or <c>spec.ingressClassName</c> naming an
/// IngressClass whose <c>spec.controller</c> is ours; or, with neither, one of our IngressClasses marked default.
/// Anything else belongs to another controller and is left alone.
/// </summary>
public sealed class IngressClassSelector
{
    private readonly IngressControllerSettings _settings;
    private readonly HashSet<string> _ourClasses = new(StringComparer.Ordinal);
    private readonly bool _weAreDefault;

    public IngressClassSelector(ResourceIndex index, IngressControllerSettings settings)
    {
        _settings = settings;
        foreach (var resource in index.All)
        {
            // IngressClasses are cluster-scoped: a file's namespace does not matter, only the name.
            if (resource is IngressClass ingressClass && ingressClass.Spec.Controller == settings.ControllerName)
            {
                _ourClasses.Add(ingressClass.Metadata.Name);
                _weAreDefault |= ingressClass.IsDefault;
            }
        }
    }

    public bool IsOurs(Ingress ingress)
    {
        var hasLegacy = ingress.Metadata.Annotations.TryGetValue(IngressControllerSettings.LegacyClassAnnotation, out var legacy);
        var className = ingress.Spec.IngressClassName;
        if (!hasLegacy && className is null)
        {
            return _weAreDefault;
        }

        // The API server refuses both at once on create; an object that has both anyway is ours if either says so.
        return (hasLegacy && legacy == _settings.ClassName) || (className is not null && _ourClasses.Contains(className));
    }
}
