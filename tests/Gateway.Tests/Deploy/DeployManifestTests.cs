using System.Net;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Routing;
using Sluice.Discovery.Graph;
using Sluice.Discovery.Ingress;
using Sluice.Gateway.Admission;

namespace Sluice.Gateway.Tests.Deploy;

/// <summary>
/// deploy/ renders with <c>kubectl kustomize</c>, every object loads strictly, and the manifests agree with the code:
/// probe paths the admin listener serves, the webhook path and port the gateway uses, the listener ports, and RBAC
/// that grants exactly what the controller needs.
/// </summary>
public sealed class DeployManifestTests
{
    private static readonly Lazy<RenderedManifests> Default = new(() => RenderedManifests.Render(Repository.Deploy));
    private static readonly Lazy<RenderedManifests> WithCertManager = new(() => RenderedManifests.Render(Path.Combine(Repository.Deploy, "cert-manager")));

    [KubectlFact]
    public void BothInstallsRender_AndEveryObjectLoadsStrictly()
    {
        var kinds = Default.Value.Objects.Select(o => ((IKubernetesObject)o).Kind).ToList();
        Assert.Equal(
            ["ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "Deployment", "IngressClass", "Namespace", "PodDisruptionBudget", "Role", "RoleBinding", "Service", "ServiceAccount", "ValidatingWebhookConfiguration"],
            kinds.Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(2, kinds.Count(k => k == "Service"));
        Assert.Equal(Directory.GetFiles(Repository.Crds, "gateway.sluice.dev_*.yaml").Length, Default.Value.All<V1CustomResourceDefinition>().Count());

        Assert.Equal(Default.Value.Objects.Count, WithCertManager.Value.Objects.Count);
        Assert.Equal(["Certificate", "Issuer"], WithCertManager.Value.CertManager.Select(o => SchemaWalk.Scalar(o, "kind")!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheStrictLoader_RefusesAMisspeltField()
    {
        const string service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  ports: []\n";
        Assert.IsType<V1Service>(RenderedManifests.Load(service).Objects.Single());
        Assert.ThrowsAny<Exception>(() => RenderedManifests.Load(service.Replace("ports:", "portz:", StringComparison.Ordinal)));
    }

    [KubectlFact]
    public void TheClusterRole_GrantsExactlyReadOnRoutingInputs_AndStatusWrites()
    {
        var crdPlurals = Default.Value.All<V1CustomResourceDefinition>().Select(c => c.Spec.Names.Plural).ToList();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var verb in (string[])["get", "list", "watch"])
        {
            foreach (var resource in (string[])["/services", "/secrets", "/namespaces", "discovery.k8s.io/endpointslices", "networking.k8s.io/ingresses", "networking.k8s.io/ingressclasses"])
            {
                expected.Add($"{resource} {verb}");
            }

            // AuthConfig's CRD arrives with the security work; its permissions are granted ahead of it.
            foreach (var plural in crdPlurals.Append("authconfigs").Distinct())
            {
                expected.Add($"gateway.sluice.dev/{plural} {verb}");
            }
        }

        foreach (var verb in (string[])["update", "patch"])
        {
            expected.Add($"networking.k8s.io/ingresses/status {verb}");
            foreach (var plural in crdPlurals.Append("authconfigs").Distinct())
            {
                expected.Add($"gateway.sluice.dev/{plural}/status {verb}");
            }
        }

        var role = Default.Value.Single<V1ClusterRole>();
        var granted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in role.Rules)
        {
            Assert.Null(rule.ResourceNames);
            Assert.Null(rule.NonResourceURLs);
            foreach (var group in rule.ApiGroups)
            {
                foreach (var resource in rule.Resources)
                {
                    foreach (var verb in rule.Verbs)
                    {
                        Assert.DoesNotContain("*", $"{group}{resource}{verb}", StringComparison.Ordinal);
                        granted.Add($"{group}/{resource} {verb}");
                    }
                }
            }
        }

        Assert.Equal(expected.Order(StringComparer.Ordinal), granted.Order(StringComparer.Ordinal));
        var binding = Default.Value.Single<V1ClusterRoleBinding>();
        Assert.Equal(("ClusterRole", role.Metadata.Name), (binding.RoleRef.Kind, binding.RoleRef.Name));
        Assert.Equal(("ServiceAccount", "sluice", "sluice-system"), (binding.Subjects.Single().Kind, binding.Subjects.Single().Name, binding.Subjects.Single().NamespaceProperty));
    }

    [KubectlFact]
    public void TheLeaseRole_IsNamespaced_AndOnlyForLeases()
    {
        var role = Default.Value.Single<V1Role>();
        Assert.Equal("sluice-system", role.Metadata.NamespaceProperty);
        var rule = Assert.Single(role.Rules);
        Assert.Equal(["coordination.k8s.io"], rule.ApiGroups);
        Assert.Equal(["leases"], rule.Resources);
        Assert.Equal(["create", "get", "update"], rule.Verbs.Order(StringComparer.Ordinal));
        var binding = Default.Value.Single<V1RoleBinding>();
        Assert.Equal(("Role", role.Metadata.Name, "sluice"), (binding.RoleRef.Kind, binding.RoleRef.Name, binding.Subjects.Single().Name));
        Assert.Equal(Default.Value.Single<V1Deployment>().Spec.Template.Spec.ServiceAccountName, binding.Subjects.Single().Name);
    }

    [KubectlFact]
    public void TheProbes_UseTheAdminListener_OnPathsItServes()
    {
        var deployment = Default.Value.Single<V1Deployment>();
        var container = deployment.Spec.Template.Spec.Containers.Single();
        var adminPort = IPEndPoint.Parse(Argument(container, "--admin")).Port;
        Assert.Equal(adminPort, container.Ports.Single(p => p.Name == "admin").ContainerPort);
        Assert.Equal(("/readyz", "admin"), (container.ReadinessProbe.HttpGet.Path, container.ReadinessProbe.HttpGet.Port.Value));
        Assert.Equal(("/healthz", "admin"), (container.LivenessProbe.HttpGet.Path, container.LivenessProbe.HttpGet.Port.Value));

        // The routes the real admin host maps, without starting it.
        var options = new GatewayRunOptions { ConfigPaths = [Path.GetTempPath()], StateDirectory = Path.GetTempPath(), AdminEndpoint = new IPEndPoint(IPAddress.Loopback, adminPort) };
        var app = GatewayHost.Build(options, _ => { });
        var served = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().Select(e => e.RoutePattern.RawText).ToList();
        Assert.Contains(container.ReadinessProbe.HttpGet.Path, served);
        Assert.Contains(container.LivenessProbe.HttpGet.Path, served);
    }

    [KubectlFact]
    public void TheDeployment_RunsTwoHardenedReplicas_OnTheGatewaysPorts()
    {
        var deployment = Default.Value.Single<V1Deployment>();
        var pod = deployment.Spec.Template.Spec;
        var container = pod.Containers.Single();
        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.Equal("run", container.Args[0]);
        Assert.Contains("--kubernetes", container.Args);

        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.NotEqual(0, pod.SecurityContext.RunAsUser);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        Assert.Null(container.SecurityContext.Capabilities.Add);
        Assert.True(container.Resources.Requests.ContainsKey("cpu") && container.Resources.Requests.ContainsKey("memory"));
        Assert.True(container.Resources.Limits.ContainsKey("memory"));

        // The last good state lives on an emptyDir mounted where --state-dir points.
        var stateMount = container.VolumeMounts.Single(m => m.MountPath == Argument(container, "--state-dir"));
        Assert.NotNull(pod.Volumes.Single(v => v.Name == stateMount.Name).EmptyDir);

        // Gloo's default listeners, which Sluice binds without a Gateway resource, behind the Service's 80 and 443.
        Assert.Equal(ListenerPlan.DefaultHttpPort, container.Ports.Single(p => p.Name == "http").ContainerPort);
        Assert.Equal(ListenerPlan.DefaultHttpsPort, container.Ports.Single(p => p.Name == "https").ContainerPort);
        var service = Default.Value.Single<V1Service>(s => s.Metadata.Name == "sluice");
        Assert.Equal("LoadBalancer", service.Spec.Type);
        Assert.Equal([(80, "http"), (443, "https")], service.Spec.Ports.Select(p => (p.Port, p.TargetPort.Value)));
        Assert.True(Selects(service.Spec.Selector, deployment.Spec.Template.Metadata.Labels));

        var budget = Default.Value.Single<V1PodDisruptionBudget>();
        Assert.Equal("1", budget.Spec.MinAvailable.Value);
        Assert.True(Selects(budget.Spec.Selector.MatchLabels, deployment.Spec.Template.Metadata.Labels));

        var ingressClass = Default.Value.Single<V1IngressClass>();
        Assert.Equal(("sluice", "gateway.sluice.dev/ingress-controller"), (ingressClass.Metadata.Name, ingressClass.Spec.Controller));
        Assert.Equal(IngressControllerSettings.Default.ControllerName, ingressClass.Spec.Controller);
        Assert.Equal(IngressControllerSettings.Default.ClassName, ingressClass.Metadata.Name);
        Assert.Equal(IngressControllerSettings.Default.HttpPort, container.ContainerPortNamed("http"));
        Assert.Equal(IngressControllerSettings.Default.HttpsPort, container.ContainerPortNamed("https"));
        Assert.Equal("restricted", Default.Value.Single<V1Namespace>().Metadata.Labels["pod-security.kubernetes.io/enforce"]);
    }

    [KubectlFact]
    public void TheWebhookConfiguration_CallsThePathAndPortTheGatewayServes()
    {
        var deployment = Default.Value.Single<V1Deployment>();
        var container = deployment.Spec.Template.Spec.Containers.Single();
        var webhookPort = IPEndPoint.Parse(Argument(container, "--webhook-listen")).Port;
        Assert.Equal(webhookPort, container.ContainerPortNamed("webhook"));

        var configuration = Default.Value.Single<V1ValidatingWebhookConfiguration>();
        var webhook = configuration.Webhooks.Single();
        Assert.Equal(["v1"], webhook.AdmissionReviewVersions);
        Assert.Equal("None", webhook.SideEffects);
        Assert.Equal("Ignore", webhook.FailurePolicy);
        Assert.Equal(WebhookOptions.ValidatePath, webhook.ClientConfig.Service.Path);
        var rule = webhook.Rules.Single();
        Assert.Equal(["gateway.sluice.dev"], rule.ApiGroups);
        Assert.Equal(["CREATE", "UPDATE"], rule.Operations);

        var service = Default.Value.Single<V1Service>(s => s.Metadata.Name == webhook.ClientConfig.Service.Name && s.Metadata.NamespaceProperty == webhook.ClientConfig.Service.NamespaceProperty);
        Assert.Equal("ClusterIP", service.Spec.Type);
        var port = service.Spec.Ports.Single(p => p.Port == (webhook.ClientConfig.Service.Port ?? 443));
        Assert.Equal("webhook", port.TargetPort.Value);
        Assert.True(Selects(service.Spec.Selector, deployment.Spec.Template.Metadata.Labels));

        // The certificate files come from the Secret cert-manager fills, for the name the API server calls.
        var certificateDirectory = Path.GetDirectoryName(Argument(container, "--webhook-cert"))!;
        Assert.Equal(certificateDirectory, Path.GetDirectoryName(Argument(container, "--webhook-key")));
        var mount = container.VolumeMounts.Single(m => m.MountPath == certificateDirectory);
        var secretName = deployment.Spec.Template.Spec.Volumes.Single(v => v.Name == mount.Name).Secret.SecretName;
        var certificate = WithCertManager.Value.CertManager.Single(o => SchemaWalk.Scalar(o, "kind") == "Certificate");
        Assert.Equal(secretName, SchemaWalk.Scalar(SchemaWalk.Map(certificate, "spec"), "secretName"));
        var dnsNames = ((YamlDotNet.RepresentationModel.YamlSequenceNode)SchemaWalk.Child(SchemaWalk.Map(certificate, "spec"), "dnsNames")!).Children.Select(n => n.ToString());
        Assert.Contains($"{service.Metadata.Name}.{service.Metadata.NamespaceProperty}.svc", dnsNames);
        var injected = WithCertManager.Value.Single<V1ValidatingWebhookConfiguration>();
        Assert.Equal($"sluice-system/{SchemaWalk.Scalar(SchemaWalk.Map(certificate, "metadata"), "name")}", injected.Metadata.Annotations["cert-manager.io/inject-ca-from"]);
    }

    private static string Argument(V1Container container, string flag)
    {
        var index = container.Args.IndexOf(flag);
        Assert.True(index >= 0 && index + 1 < container.Args.Count, $"the container's args have no {flag} VALUE");
        return container.Args[index + 1];
    }

    private static bool Selects(IDictionary<string, string> selector, IDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(pair => labels.TryGetValue(pair.Key, out var value) && value == pair.Value);
}

internal static class ContainerPorts
{
    public static int ContainerPortNamed(this V1Container container, string name) => container.Ports.Single(p => p.Name == name).ContainerPort;
}
