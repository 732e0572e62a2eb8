using Sluice.Filters.Transformation;

namespace Sluice.Filters.Tests.Transformation;

/// <summary>Which templates make a request buffer and parse its body: only those that read it.</summary>
public sealed class TemplateUsageTests
{
    [Theory]
    [InlineData("static", "None")]
    [InlineData("{{ header(\"x\") }}{{ header.y }}{{ request_header[\":path\"] }}{{ \"z\" | header }}", "None")]
    [InlineData("{{ extraction(\"id\") }}{{ id }}", "None")]
    [InlineData("{% assign a = 1 %}{% capture c %}x{% endcapture %}{{ a }}{{ c }}{% for i in (1..3) %}{{ i }}{{ forloop.index }}{% endfor %}", "None")]
    [InlineData("{{ env(\"HOME\") }}{{ base64_encode(\"x\") }}", "None")]
    [InlineData("{{ body }}", "RawBody")]
    [InlineData("{{ body() | size }}", "RawBody")]
    [InlineData("{{ body.user }}", "JsonBody")]
    [InlineData("{{ context() }}", "JsonBody")]
    [InlineData("{{ user.id }}", "JsonBody")]
    [InlineData("{% if flag %}x{% endif %}", "JsonBody")]
    [InlineData("{{ \"a\" | append: user.name }}", "JsonBody")]
    [InlineData("{% for t in tags %}{{ t }}{% endfor %}", "JsonBody")]
    [InlineData("{{ body }}{{ user }}", "RawBody, JsonBody")]
    public void Analysis_FindsWhatTheTemplateReads(string text, string expected)
    {
        Assert.True(TemplateEngine.TryParse(text, new HashSet<string>(StringComparer.Ordinal) { "id" }, out var template, out var error), error);

        Assert.Equal(Enum.Parse<TemplateUsage>(expected), template.Usage);
    }
}
