using k8s;
using YamlDotNet.RepresentationModel;

namespace Sluice.Gateway.Tests.Deploy;

/// <summary>
/// The objects <c>kubectl kustomize</c> renders, each loaded strictly by KubernetesClient (an unknown or misspelt
/// field fails, as <c>kubectl apply --validate=strict</c> would). cert-manager's kinds, which KubernetesClient has no
/// model for, are kept as YAML.
/// </summary>
internal sealed class RenderedManifests
{
    private RenderedManifests(IReadOnlyList<object> objects, IReadOnlyList<YamlMappingNode> certManager)
    {
        Objects = objects;
        CertManager = certManager;
    }

    public IReadOnlyList<object> Objects { get; }

    public IReadOnlyList<YamlMappingNode> CertManager { get; }

    public static RenderedManifests Render(string directory) => Load(Kubectl.Kustomize(directory));

    public static RenderedManifests Load(string rendered)
    {
        var objects = new List<object>();
        var certManager = new List<YamlMappingNode>();
        foreach (var document in rendered.Split("\n---\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(document));
            var root = (YamlMappingNode)stream.Documents[0].RootNode;
            if (SchemaWalk.Scalar(root, "apiVersion")?.StartsWith("cert-manager.io/", StringComparison.Ordinal) == true)
            {
                certManager.Add(root);
                continue;
            }

            var loaded = KubernetesYaml.LoadAllFromString(document, strict: true);
            objects.Add(Assert.Single(loaded));
        }

        return new RenderedManifests(objects, certManager);
    }

    public T Single<T>(Func<T, bool>? where = null) => Assert.Single(Objects.OfType<T>(), o => where?.Invoke(o) ?? true);

    public IEnumerable<T> All<T>() => Objects.OfType<T>();
}
