using Sluice.Discovery.Graph;
using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests.Graph;

public class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Labels = new()
    {
        ["team"] = "catalog",
        ["tier"] = "backend",
        ["priority"] = "5",
    };

    private static readonly Dictionary<string, string> NoRequiredLabels = [];

    private static bool Matches(string key, string op, params string[] values) =>
        LabelSelector.Matches(Labels, NoRequiredLabels, [new LabelExpression { Key = key, Operator = op, Values = values }]);

    [Theory]
    [InlineData("team", true, "catalog", "orders")]
    [InlineData("team", false, "orders")]
    [InlineData("missing", false, "catalog")]
    public void In(string key, bool expected, params string[] values) => Assert.Equal(expected, Matches(key, "In", values));

    [Theory]
    [InlineData("team", true, "orders", "payments")]
    [InlineData("team", false, "catalog")]
    [InlineData("missing", true, "catalog")]
    public void NotIn_MatchesWhenAbsentOrNotListed(string key, bool expected, params string[] values) => Assert.Equal(expected, Matches(key, "NotIn", values));

    [Theory]
    [InlineData("team", true)]
    [InlineData("missing", false)]
    public void Exists(string key, bool expected) => Assert.Equal(expected, Matches(key, "Exists"));

    [Theory]
    [InlineData("team", false)]
    [InlineData("missing", true)]
    public void DoesNotExist(string key, bool expected) => Assert.Equal(expected, Matches(key, "DoesNotExist"));

    [Theory]
    [InlineData("Equals", "catalog", true)]
    [InlineData("DoubleEquals", "catalog", true)]
    [InlineData("Equals", "orders", false)]
    [InlineData("NotEquals", "orders", true)]
    [InlineData("NotEquals", "catalog", false)]
    public void EqualityOperators(string op, string value, bool expected) => Assert.Equal(expected, Matches("team", op, value));

    [Theory]
    [InlineData("GreaterThan", "4", true)]
    [InlineData("GreaterThan", "5", false)]
    [InlineData("LessThan", "6", true)]
    [InlineData("LessThan", "5", false)]
    public void NumericComparisons(string op, string value, bool expected) => Assert.Equal(expected, Matches("priority", op, value));

    [Fact]
    public void UnknownOperator_NeverMatches()
    {
        Assert.False(Matches("team", "Inn", "catalog"));
        Assert.False(LabelSelector.IsKnownOperator("Inn"));
        Assert.True(LabelSelector.IsKnownOperator("NotIn"));
    }

    [Fact]
    public void RequiredLabelsAndExpressions_AreAnded()
    {
        var required = new Dictionary<string, string> { ["tier"] = "backend" };

        Assert.True(LabelSelector.Matches(Labels, required, [new LabelExpression { Key = "team", Operator = "In", Values = ["catalog"] }]));
        Assert.False(LabelSelector.Matches(Labels, required, [new LabelExpression { Key = "team", Operator = "In", Values = ["orders"] }]));
        Assert.False(LabelSelector.Matches(Labels, new Dictionary<string, string> { ["tier"] = "frontend" }, [new LabelExpression { Key = "team", Operator = "Exists" }]));
    }

    [Fact]
    public void EmptySelector_MatchesEverything() => Assert.True(LabelSelector.Matches(new Dictionary<string, string>(), NoRequiredLabels, []));

    [Fact]
    public void RequiredLabelValue_IsComparedExactly() =>
        Assert.False(LabelSelector.Matches(Labels, new Dictionary<string, string> { ["team"] = "Catalog" }, []));
}
