using Sluice.Discovery.Graph;
using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests.Graph;

public class DelegationResolverTests
{
    private static readonly ResourceIndex Tables = Yaml.Index("""
        apiVersion: gateway.solo.io/v1
        kind: RouteTable
        metadata: {name: z-routes, namespace: shop, labels: {team: api}}
        spec: {weight: 0}
        ---
        apiVersion: gateway.solo.io/v1
        kind: RouteTable
        metadata: {name: b-routes, namespace: shop, labels: {team: api}}
        spec: {weight: 10}
        ---
        apiVersion: gateway.solo.io/v1
        kind: RouteTable
        metadata: {name: a-routes, namespace: shop, labels: {team: api}}
        spec: {weight: 10}
        ---
        apiVersion: gateway.solo.io/v1
        kind: RouteTable
        metadata: {name: c-routes, namespace: catalog, labels: {team: api}}
        spec: {weight: 10}
        ---
        apiVersion: gateway.solo.io/v1
        kind: RouteTable
        metadata: {name: y-routes, namespace: orders, labels: {team: api}}
        spec: {weight: -5}
        ---
        apiVersion: gateway.solo.io/v1
        kind: RouteTable
        metadata: {name: unlabelled, namespace: shop}
        spec: {weight: -100}
        """);

    private static ResourceId Table(string ns, string name) => new(ResourceKind.RouteTable, ns, name);

    private static DelegateAction Selecting(params string[] namespaces) => new()
    {
        Selector = new RouteTableSelector { Labels = new Dictionary<string, string> { ["team"] = "api" }, Namespaces = namespaces },
    };

    [Fact]
    public void Selector_AllNamespaces_OrdersByWeightThenNamespaceThenName()
    {
        var targets = DelegationResolver.Targets(Selecting("*"), "shop", Tables);

        Assert.Equal(
            [Table("orders", "y-routes"), Table("shop", "z-routes"), Table("catalog", "c-routes"), Table("shop", "a-routes"), Table("shop", "b-routes")],
            targets);
    }

    [Fact]
    public void Selector_WithoutNamespaces_SelectsOnlyTheReferrersNamespace()
    {
        var targets = DelegationResolver.Targets(Selecting(), "shop", Tables);

        Assert.Equal([Table("shop", "z-routes"), Table("shop", "a-routes"), Table("shop", "b-routes")], targets);
    }

    [Fact]
    public void Selector_WithNamespaceList_SelectsOnlyThose()
    {
        var targets = DelegationResolver.Targets(Selecting("catalog", "orders"), "shop", Tables);

        Assert.Equal([Table("orders", "y-routes"), Table("catalog", "c-routes")], targets);
    }

    [Fact]
    public void Selector_WithExpressions_FiltersTables()
    {
        var delegation = new DelegateAction
        {
            Selector = new RouteTableSelector
            {
                Namespaces = ["*"],
                Expressions = [new LabelExpression { Key = "team", Operator = "DoesNotExist" }],
            },
        };

        Assert.Equal([Table("shop", "unlabelled")], DelegationResolver.Targets(delegation, "shop", Tables));
    }

    [Fact]
    public void Ref_WithoutNamespace_ResolvesInReferrersNamespace()
    {
        var delegation = new DelegateAction { Ref = new ResourceRef { Name = "a-routes" } };

        Assert.Equal([Table("shop", "a-routes")], DelegationResolver.Targets(delegation, "shop", Tables));
    }

    [Fact]
    public void Ref_WithNamespace_IsTakenAsWritten_EvenIfMissing()
    {
        var delegation = new DelegateAction { Ref = new ResourceRef { Name = "a-routes", Namespace = "catalog" } };

        Assert.Equal([Table("catalog", "a-routes")], DelegationResolver.Targets(delegation, "shop", Tables));
    }

    [Fact]
    public void LegacyNameAndNamespace_Resolve()
    {
        Assert.Equal([Table("catalog", "c-routes")], DelegationResolver.Targets(new DelegateAction { Name = "c-routes", Namespace = "catalog" }, "shop", Tables));
        Assert.Equal([Table("shop", "c-routes")], DelegationResolver.Targets(new DelegateAction { Name = "c-routes" }, "shop", Tables));
    }

    [Fact]
    public void NoForm_HasNoTargets()
    {
        Assert.Empty(DelegationResolver.Targets(new DelegateAction(), "shop", Tables));
    }
}
