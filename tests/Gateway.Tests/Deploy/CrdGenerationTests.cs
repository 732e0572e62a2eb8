using k8s;
using k8s.Models;
using Sluice.Discovery.Loading;
using Sluice.Discovery.Model;
using Sluice.Discovery.Schema;
using Sluice.Filters;
using YamlDotNet.RepresentationModel;

namespace Sluice.Gateway.Tests.Deploy;

/// <summary>
/// The CRDs in deploy/crds are generated from the model. When a model record or filter option changes, this fails
/// until they are regenerated: <c>dotnet run --project src/Gateway -- crds --output "$PWD/deploy/crds"</c>.
/// </summary>
public sealed class CrdGenerationTests
{
    private const string Regenerate = "deploy/crds is stale: regenerate it with  dotnet run --project src/Gateway -- crds --output \"$PWD/deploy/crds\"  and commit the result";

    private static readonly IReadOnlyList<GeneratedManifest> Generated = CrdSchemaGenerator.Generate(FilterRegistry.Default);

    private static IEnumerable<GeneratedManifest> Definitions => Generated.Where(m => m.FileName != CrdSchemaGenerator.KustomizationFileName);

    [Fact]
    public void CommittedCrds_AreByteForByteWhatTheModelGenerates()
    {
        foreach (var manifest in Generated)
        {
            var path = Path.Combine(Repository.Crds, manifest.FileName);
            Assert.True(File.Exists(path), $"{manifest.FileName} is missing. {Regenerate}");
            Assert.True(manifest.Yaml == File.ReadAllText(path), $"{manifest.FileName} differs from the model. {Regenerate}");
        }

        var committed = Directory.GetFiles(Repository.Crds).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(Generated.Select(m => m.FileName).Order(StringComparer.Ordinal), committed);
    }

    [Fact]
    public void Generation_IsDeterministic()
    {
        var again = CrdSchemaGenerator.Generate(FilterRegistry.Default);
        Assert.Equal(Generated, again);
    }

    [Fact]
    public void EveryKindOfTheSluiceGroup_HasOneDefinition_AndCoreKindsNone()
    {
        var expected = ResourceKinds.ByName
            .Where(pair => ResourceKinds.ApiVersionFor(pair.Value, gloo: false) == ResourceKinds.SluiceApiVersion)
            .Select(pair => pair.Key)
            .Order(StringComparer.Ordinal);
        var defined = Definitions.Select(m => Load(m).Spec.Names.Kind).Order(StringComparer.Ordinal);

        Assert.Equal(expected, defined);
        Assert.DoesNotContain("Secret", defined);
        Assert.Contains("VirtualService", defined);
    }

    [Fact]
    public void Definitions_LoadStrictly_AndServeV1WithStatusShortNamesAndColumns()
    {
        var shortNames = new Dictionary<string, string>
        {
            ["VirtualService"] = "vs", ["RouteTable"] = "rt", ["Upstream"] = "us", ["UpstreamGroup"] = "ug", ["Gateway"] = "gw",
        };
        foreach (var manifest in Definitions)
        {
            var crd = Load(manifest);
            Assert.Equal("gateway.sluice.dev", crd.Spec.Group);
            Assert.Equal($"{crd.Spec.Names.Plural}.gateway.sluice.dev", crd.Metadata.Name);
            Assert.Equal($"gateway.sluice.dev_{crd.Spec.Names.Plural}.yaml", manifest.FileName);
            Assert.Equal("Namespaced", crd.Spec.Scope);
            var version = Assert.Single(crd.Spec.Versions);
            Assert.Equal("v1", version.Name);
            Assert.True(version.Served);
            Assert.True(version.Storage);
            Assert.NotNull(version.Subresources?.Status);
            Assert.Contains(version.AdditionalPrinterColumns, c => c.Name == "State" && c.JsonPath == ".status.state");
            Assert.Contains(version.AdditionalPrinterColumns, c => c.Name == "Age" && c.Type == "date" && c.JsonPath == ".metadata.creationTimestamp");
            if (shortNames.TryGetValue(crd.Spec.Names.Kind, out var shortName))
            {
                Assert.Equal([shortName], crd.Spec.Names.ShortNames);
            }
        }
    }

    [Fact]
    public void Schemas_AreStructural_AndOnlyGlooFieldsAndStatusAreOpen()
    {
        var glooFields = typeof(VirtualServiceSpec).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes(typeof(GlooUnsupportedAttribute), false).Cast<GlooUnsupportedAttribute>())
            .SelectMany(a => a.Fields)
            .Concat(GlooOptionCatalog.Names)
            .ToHashSet(StringComparer.Ordinal);

        foreach (var manifest in Definitions)
        {
            foreach (var (path, node) in SchemaWalk.All(SchemaOf(manifest)))
            {
                var where = $"{manifest.FileName}: {path}";
                var type = SchemaWalk.Scalar(node, "type");
                var open = SchemaWalk.Scalar(node, "x-kubernetes-preserve-unknown-fields") == "true";
                Assert.True(type is not null || open, $"{where} has no type");
                Assert.False(SchemaWalk.Child(node, "properties") is not null && SchemaWalk.Child(node, "additionalProperties") is not null, $"{where} has both properties and additionalProperties");
                Assert.Null(SchemaWalk.Child(node, "$ref"));
                if (SchemaWalk.Child(node, "properties") is not null || SchemaWalk.Child(node, "additionalProperties") is not null)
                {
                    Assert.True(type == "object", $"{where} has fields but type '{type}'");
                }

                if (type is "array")
                {
                    Assert.True(SchemaWalk.Child(node, "items") is YamlMappingNode, $"{where} is an array without items");
                }

                if (open)
                {
                    var name = path[(path.LastIndexOf('.') + 1)..];
                    var recursionStop = type == "object" && SchemaWalk.Scalar(node, "description") == OpenApiSchemaBuilder.RecursionNote && SchemaWalk.Child(node, "properties") is null;
                    var freeForm = type is null && SchemaWalk.Scalar(node, "description") == OpenApiSchemaBuilder.FreeFormNote;
                    Assert.True(path == "status" || (type is null && glooFields.Contains(name)) || recursionStop || freeForm,
                        $"{where} lets unknown fields through but is neither status, a Gloo field Sluice reports, nor where a recursive type stops");
                }
            }
        }
    }

    [Fact]
    public void Schema_FollowsTheBindersRules()
    {
        var virtualService = SchemaOf(Definitions.Single(m => m.FileName.EndsWith("_virtualservices.yaml", StringComparison.Ordinal)));
        var spec = SchemaWalk.Map(virtualService, "properties", "spec");
        Assert.Contains("virtualHost", ((YamlSequenceNode)SchemaWalk.Child(spec, "required")!).Children.Select(c => c.ToString()));

        // Every registered filter's option is typed by its options record.
        var options = SchemaWalk.Map(spec, "properties", "virtualHost", "properties", "options", "properties");
        foreach (var name in FilterRegistry.Default.OptionNames)
        {
            var option = (YamlMappingNode)options.Children[new YamlScalarNode(name)];
            Assert.NotNull(SchemaWalk.Scalar(option, "type"));
        }

        Assert.Equal("string", SchemaWalk.Scalar((YamlMappingNode)options.Children[new YamlScalarNode("timeout")], "type"));
        Assert.Equal("object", SchemaWalk.Scalar((YamlMappingNode)options.Children[new YamlScalarNode("retries")], "type"));

        var route = SchemaWalk.Map(spec, "properties", "virtualHost", "properties", "routes", "items", "properties");
        var responseCode = SchemaWalk.Map(route, "redirectAction", "properties", "responseCode");
        Assert.Equal(Enum.GetNames<RedirectResponseCode>(), ((YamlSequenceNode)SchemaWalk.Child(responseCode, "enum")!).Children.Select(c => c.ToString()));
        var labels = SchemaWalk.Map(route, "delegateAction", "properties", "selector", "properties", "labels");
        Assert.Equal("string", SchemaWalk.Scalar(SchemaWalk.Map(labels, "additionalProperties"), "type"));
        Assert.Equal("string", SchemaWalk.Scalar(SchemaWalk.Map(route, "matchers", "items", "properties", "regex"), "type"));

        var gateway = SchemaOf(Definitions.Single(m => m.FileName.EndsWith("_gateways.yaml", StringComparison.Ordinal)));
        var bindPort = SchemaWalk.Map(gateway, "properties", "spec", "properties", "bindPort");
        Assert.Equal(("integer", "0", "4294967295"), (SchemaWalk.Scalar(bindPort, "type"), SchemaWalk.Scalar(bindPort, "minimum"), SchemaWalk.Scalar(bindPort, "maximum")));
    }

    /// <summary>Every valid example in the repository (config/, golden inputs) must pass the CRD schema too.</summary>
    [Fact]
    public void ValidExamples_PassTheCrdSchema()
    {
        var schemas = Definitions.ToDictionary(m => Load(m).Spec.Names.Kind, SchemaOf);
        var loader = new ResourceFileLoader(FilterRegistry.Default);
        var files = Directory.GetFiles(Path.Combine(Repository.Root, "config"), "*.yaml")
            .Concat(Directory.GetFiles(Path.Combine(Repository.Root, "tests", "Gateway.Tests", "Translation", "Golden"), "*.yaml"));
        var checkedSpecs = 0;
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain(loader.Load(file, text).Documents.SelectMany(d => d.Diagnostics), d => d.IsError);
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            foreach (var document in stream.Documents)
            {
                if (document.RootNode is not YamlMappingNode root || SchemaWalk.Scalar(root, "apiVersion") != ResourceKinds.SluiceApiVersion)
                {
                    continue;
                }

                // metadata is the API server's own (ObjectMeta); the CRD schema governs spec.
                var spec = SchemaWalk.Map(schemas[SchemaWalk.Scalar(root, "kind")!], "properties", "spec");
                var problems = SchemaConformance.Check(SchemaWalk.Child(root, "spec")!, spec);
                Assert.True(problems.Count == 0, $"{file}: {string.Join("; ", problems)}");
                checkedSpecs++;
            }
        }

        Assert.True(checkedSpecs >= 5, $"only {checkedSpecs} example resources found");
    }

    [Fact]
    public void SchemaConformance_RefusesWhatTheApiServerWould()
    {
        var schema = SchemaOf(Definitions.Single(m => m.FileName.EndsWith("_virtualservices.yaml", StringComparison.Ordinal)));
        var stream = new YamlStream();
        stream.Load(new StringReader("""
            apiVersion: gateway.sluice.dev/v1
            kind: VirtualService
            metadata: {name: x}
            spec:
              virtualHost:
                routez: []
                routes:
                - matchers: [{prefix: 7}]
                  redirectAction: {responseCode: TEAPOT}
            """));
        var problems = SchemaConformance.Check(SchemaWalk.Child((YamlMappingNode)stream.Documents[0].RootNode, "spec")!, SchemaWalk.Map(schema, "properties", "spec"));
        Assert.Contains("spec.virtualHost.routez: unknown field", problems);
        Assert.Contains(problems, p => p.StartsWith("spec.virtualHost.routes[0].matchers[0].prefix: '7' is integer", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("spec.virtualHost.routes[0].redirectAction.responseCode: 'TEAPOT' is not in the enum", StringComparison.Ordinal));
    }

    private static V1CustomResourceDefinition Load(GeneratedManifest manifest) =>
        KubernetesYaml.Deserialize<V1CustomResourceDefinition>(manifest.Yaml, strict: true);

    private static YamlMappingNode SchemaOf(GeneratedManifest manifest)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(manifest.Yaml));
        var version = (YamlMappingNode)((YamlSequenceNode)SchemaWalk.Map((YamlMappingNode)stream.Documents[0].RootNode, "spec").Children[new YamlScalarNode("versions")]).Children[0];
        return SchemaWalk.Map(version, "schema", "openAPIV3Schema");
    }
}
