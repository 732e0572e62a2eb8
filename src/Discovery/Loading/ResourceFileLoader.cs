using Sluice.Discovery.Ingress;
using Sluice.Discovery.Model;
using Sluice.Filters;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Discovery.Loading;

/// <summary>
/// Loads resources from YAML text: Kubernetes form (<c>apiVersion/kind/metadata/spec</c>), <c>kind: List</c>
/// exports, and Gloo's file layout (spec fields at top level, kind and namespace from the folders).
/// Documents are split before parsing so that a syntax error in one leaves the others loading.
/// </summary>
public sealed class ResourceFileLoader
{
    private readonly YamlBinder _binder;

    public ResourceFileLoader(FilterRegistry filters)
    {
        _binder = new YamlBinder(filters);
    }

    public LoadedFile Load(string path, string text)
    {
        var documents = new List<LoadedDocument>();
        var unreadable = false;
        var layout = GlooFileLayout.From(path);
        foreach (var (chunk, firstLine) in DocumentSplitter.Split(text))
        {
            YamlStream stream;
            try
            {
                stream = new YamlStream();
                stream.Load(new StringReader(chunk));
            }
            catch (Exception ex) when (ex is YamlException or InvalidOperationException or ArgumentException)
            {
                // YamlDotNet throws more than YamlException on some malformed input (an unclosed flow sequence
                // followed by block content); either way only this document is unreadable.
                unreadable = true;
                var position = ex is YamlException yaml
                    ? new SourcePosition((int)yaml.Start.Line + firstLine - 1, (int)yaml.Start.Column)
                    : new SourcePosition(firstLine, 1);
                documents.Add(new LoadedDocument(null, null,
                [
                    new Diagnostic(DiagnosticSeverity.Error, path, position, "Document", "-", "-", string.Empty, $"invalid YAML: {Describe(ex)}"),
                ]));
                continue;
            }

            foreach (var document in stream.Documents)
            {
                var root = document.RootNode;
                if (root is YamlScalarNode { Value: null or "" } || root is YamlScalarNode { Style: ScalarStyle.Plain, Value: "~" or "null" })
                {
                    continue;
                }

                LoadNode(path, text, root, firstLine, layout, documents, ref unreadable);
            }
        }

        return new LoadedFile(path, text, documents, unreadable);
    }

    private static string Describe(Exception ex)
    {
        var message = ex.InnerException?.Message ?? ex.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && message.StartsWith('(') ? message[(cut + 3)..] : message;
    }

    private void LoadNode(string path, string text, YamlNode root, int firstLine, GlooFileLayout? layout, List<LoadedDocument> documents, ref bool unreadable)
    {
        var where = new SourcePosition((int)root.Start.Line + firstLine - 1, (int)root.Start.Column);
        if (root is not YamlMappingNode mapping)
        {
            unreadable = true;
            documents.Add(Problem(path, where, "a resource document must be a mapping"));
            return;
        }

        var kindName = ScalarValue(mapping, "kind");
        if (kindName == "List")
        {
            // kubectl get -o yaml exports many resources as one List.
            if (mapping.Children.TryGetValue(new YamlScalarNode("items"), out var items) && items is YamlSequenceNode sequence)
            {
                foreach (var item in sequence.Children)
                {
                    LoadNode(path, text, item, firstLine, layout: null, documents, ref unreadable);
                }
            }

            return;
        }

        ResourceKind kind;
        var glooLayoutForm = false;
        if (kindName is null)
        {
            if (layout is null)
            {
                unreadable = true;
                documents.Add(Problem(path, where, "missing 'kind': say which resource this is (VirtualService, RouteTable, Upstream, UpstreamGroup, Gateway, AuthConfig, Secret, Ingress or IngressClass), or store it in Gloo's layout <kind-plural>/<namespace>/<name>.yaml"));
                return;
            }

            kind = layout.Kind;
            glooLayoutForm = true;
        }
        else if (!ResourceKinds.ByName.TryGetValue(kindName, out kind))
        {
            var message = ResourceKinds.IgnoredGlooKinds.Contains(kindName)
                ? $"kind '{kindName}' is a Gloo resource Sluice does not use; the document is ignored"
                : $"kind '{kindName}' is not a Sluice resource; the document is ignored";
            documents.Add(new LoadedDocument(null, null,
                [new Diagnostic(DiagnosticSeverity.Warning, path, where, kindName, "-", "-", "kind", message)]));
            return;
        }

        // Binding diagnostics hold positions relative to this document's chunk; they are shifted once, below.
        var local = YamlBinder.PositionOf(root);
        var diagnostics = new BindingDiagnostics();
        var apiVersion = ScalarValue(mapping, "apiVersion") ?? (glooLayoutForm ? ResourceKinds.ApiVersionFor(kind, gloo: true) : null);
        var metadata = BindMetadata(mapping, diagnostics, local) ?? new ObjectMeta();
        var name = string.IsNullOrEmpty(metadata.Name) ? layout?.Name : metadata.Name;
        var ns = metadata.Namespace ?? layout?.Namespace ?? ResourceDefaults.Namespace;
        metadata = metadata with { Name = name ?? string.Empty, Namespace = ns };

        if (apiVersion is null)
        {
            diagnostics.Error("apiVersion", local, $"missing 'apiVersion'; use {ResourceKinds.SluiceApiVersion}");
        }
        else if (!ResourceKinds.IsAccepted(apiVersion, kind))
        {
            diagnostics.Error("apiVersion", PositionOfKey(mapping, "apiVersion") ?? local,
                ResourceKinds.IsKubernetesKind(kind)
                    ? $"apiVersion '{apiVersion}' does not serve {kind}; use {ResourceKinds.ApiVersionFor(kind, gloo: false)}"
                    : $"apiVersion '{apiVersion}' does not serve {kind}; use {ResourceKinds.SluiceApiVersion} (or Gloo's {ResourceKinds.ApiVersionFor(kind, gloo: true)})");
        }

        var specNode = glooLayoutForm || ResourceKinds.HasTopLevelFields(kind) ? SpecFromTopLevel(mapping) : SpecNode(mapping, diagnostics, local);
        var specType = SpecTypeOf(kind);
        // An empty spec must still meet the required fields, or 'spec:' alone would claim '*' on port 8080.
        var spec = specNode is null ? Activator.CreateInstance(specType)
            : specNode is YamlScalarNode { Value: null or "" or "~" or "null" } ? _binder.BindEmpty(specNode, specType, string.Empty, diagnostics)
            : _binder.Bind(specNode, specType, string.Empty, diagnostics) ?? Activator.CreateInstance(specType);

        if (string.IsNullOrEmpty(name))
        {
            diagnostics.Error("metadata.name", PositionOfKey(mapping, "metadata") ?? local, "missing required field 'name': every resource needs metadata.name");
        }

        var id = string.IsNullOrEmpty(name) ? (ResourceId?)null : new ResourceId(kind, ns, name);
        if (id is null)
        {
            unreadable = true;
        }

        var origin = new ResourceOrigin(path, where, text, Shifted(diagnostics.Positions, firstLine));
        var resource = diagnostics.HasErrors || id is null ? null : CreateResource(kind, apiVersion!, metadata, origin, spec!);
        var result = diagnostics.Items
            .Select(item => new Diagnostic(item.Severity, path, ShiftPosition(item.Position, firstLine, where), kind.ToString(), ns, name ?? "-", item.Path, item.Message))
            .ToList();
        documents.Add(new LoadedDocument(id, resource, result) { ReferencedFiles = diagnostics.ReferencedFiles });
    }

    private static FieldPositions Shifted(FieldPositions positions, int firstLine) => firstLine == 1 ? positions : positions.ShiftLines(firstLine - 1);

    private static SourcePosition ShiftPosition(SourcePosition position, int firstLine, SourcePosition fallback) =>
        position == default || position.Line == 0 ? fallback : new SourcePosition(position.Line + firstLine - 1, position.Column);

    private static LoadedDocument Problem(string path, SourcePosition where, string message) =>
        new(null, null, [new Diagnostic(DiagnosticSeverity.Error, path, where, "Document", "-", "-", string.Empty, message)]);

    private ObjectMeta? BindMetadata(YamlMappingNode mapping, BindingDiagnostics diagnostics, SourcePosition where)
    {
        if (!mapping.Children.TryGetValue(new YamlScalarNode("metadata"), out var node))
        {
            return null;
        }

        if (node is YamlMappingNode)
        {
            return _binder.Bind(node, typeof(ObjectMeta), "metadata", diagnostics) as ObjectMeta;
        }

        diagnostics.Error("metadata", where, "metadata must be a mapping with at least 'name'");
        return null;
    }

    private static YamlNode? SpecNode(YamlMappingNode mapping, BindingDiagnostics diagnostics, SourcePosition where)
    {
        foreach (var (keyNode, _) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value;
            if (key is not ("apiVersion" or "kind" or "metadata" or "spec" or "status"))
            {
                diagnostics.Error(key ?? string.Empty, YamlBinder.PositionOf(keyNode), $"unknown top-level field '{key}'; resource fields belong under 'spec'");
            }
        }

        if (mapping.Children.TryGetValue(new YamlScalarNode("spec"), out var spec))
        {
            return spec;
        }

        diagnostics.Error("spec", where, "missing 'spec'");
        return null;
    }

    private static YamlMappingNode SpecFromTopLevel(YamlMappingNode mapping)
    {
        var spec = new YamlMappingNode();
        foreach (var (key, value) in mapping.Children)
        {
            if ((key as YamlScalarNode)?.Value is "apiVersion" or "kind" or "metadata" or "status")
            {
                continue;
            }

            spec.Children.Add(key, value);
        }

        return spec;
    }

    private static string? ScalarValue(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar ? scalar.Value : null;

    private static SourcePosition? PositionOfKey(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var node) ? YamlBinder.PositionOf(node) : null;

    /// <summary>The model record a kind's spec binds to; the CRD generator walks the same types.</summary>
    internal static Type SpecTypeOf(ResourceKind kind) => kind switch
    {
        ResourceKind.VirtualService => typeof(VirtualServiceSpec),
        ResourceKind.RouteTable => typeof(RouteTableSpec),
        ResourceKind.Upstream => typeof(UpstreamSpec),
        ResourceKind.UpstreamGroup => typeof(UpstreamGroupSpec),
        ResourceKind.Gateway => typeof(GatewaySpec),
        ResourceKind.Secret => typeof(SecretSpec),
        ResourceKind.AuthConfig => typeof(Sluice.Filters.ExtAuth.AuthConfigSpec),
        ResourceKind.Ingress => typeof(IngressSpec),
        ResourceKind.IngressClass => typeof(IngressClassSpec),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static Resource CreateResource(ResourceKind kind, string apiVersion, ObjectMeta metadata, ResourceOrigin origin, object spec) => kind switch
    {
        ResourceKind.VirtualService => new VirtualService { Kind = kind, ApiVersion = apiVersion, Metadata = metadata, Origin = origin, Spec = (VirtualServiceSpec)spec },
        ResourceKind.RouteTable => new RouteTable { Kind = kind, ApiVersion = apiVersion, Metadata = metadata, Origin = origin, Spec = (RouteTableSpec)spec },
        ResourceKind.Upstream => new Upstream { Kind = kind, ApiVersion = apiVersion, Metadata = metadata, Origin = origin, Spec = (UpstreamSpec)spec },
        ResourceKind.UpstreamGroup => new UpstreamGroup { Kind = kind, ApiVersion = apiVersion, Metadata = metadata, Origin = origin, Spec = (UpstreamGroupSpec)spec },
        ResourceKind.Gateway => new Gateway { Kind = kind, ApiVersion = apiVersion, Metadata = metadata, Origin = origin, Spec = (GatewaySpec)spec },
        ResourceKind.Secret => new Secret { Kind = kind, ApiVersion = apiVersion, Metadata = metadata, Origin = origin, Spec = (SecretSpec)spec },
        ResourceKind.AuthConfig => new AuthConfig { Kind = kind, ApiVersion = apiVersion, Metadata = metadata, Origin = origin, Spec = (Sluice.Filters.ExtAuth.AuthConfigSpec)spec },
        ResourceKind.Ingress => new Ingress.Ingress { Kind = kind, ApiVersion = apiVersion, Metadata = metadata, Origin = origin, Spec = (IngressSpec)spec },
        ResourceKind.IngressClass => new IngressClass { Kind = kind, ApiVersion = apiVersion, Metadata = metadata, Origin = origin, Spec = (IngressClassSpec)spec },
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
