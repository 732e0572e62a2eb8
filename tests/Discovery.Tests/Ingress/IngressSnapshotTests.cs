using Sluice.Discovery.Model;
using Sluice.Discovery.Snapshots;

namespace Sluice.Discovery.Tests.Ingress;

/// <summary>Through the snapshot pipeline: our invalid Ingress is rejected alone with its position; another controller's is untouched.</summary>
public sealed class IngressSnapshotTests
{
    private const string Text = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: { name: ours }
        spec:
          ingressClassName: sluice
          rules:
            - host: shop.example.com
              http:
                paths:
                  - { path: api, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: { name: theirs }
        spec:
          ingressClassName: nginx
          rules:
            - host: shop.example.com
              http:
                paths:
                  - { path: "/(.*)", pathType: Prefix, backend: { service: { name: web, port: { name: http } } } }
        ---
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata: { name: sluice }
        spec: { controller: gateway.sluice.dev/ingress-controller }
        """;

    [Fact]
    public void OurInvalidIngress_IsRejectedWithPosition_ForeignOneIsUntouched()
    {
        var snapshot = SnapshotBuilder.Build([Yaml.LoadFile(Text)], new LastGoodResources(), ResourceSnapshot.Empty, TimeProvider.System);

        var ours = snapshot.Statuses.Single(s => s.Id.Name == "ours");
        Assert.Equal(ResourceState.Rejected, ours.State);
        Assert.False(ours.Served);
        DiagnosticAssert.Single(ours.Reasons, DiagnosticSeverity.Error, "rules[0].http.paths[0].path", 10, 21, "must be absolute");
        Assert.Equal("config/shop.yaml:10:21: error: Ingress default/ours: rules[0].http.paths[0].path: a Prefix path must be absolute (start with '/'), got 'api'", ours.Reasons[0].ToString());

        var theirs = snapshot.Statuses.Single(s => s.Id.Name == "theirs");
        Assert.Equal(ResourceState.Accepted, theirs.State);
        Assert.Empty(theirs.Reasons);
    }
}
