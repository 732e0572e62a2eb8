namespace Sluice.Discovery.Model;

/// <summary>Fields the loader accepts and drops without a word: values a server writes, which say nothing about routing.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class IgnoredFieldsAttribute(params string[] fields) : Attribute
{
    public IReadOnlyList<string> Fields { get; } = fields;
}
