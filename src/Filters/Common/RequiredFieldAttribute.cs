namespace Sluice.Filters;

/// <summary>Marks a schema property the YAML must set; the loader reports its absence with the resource's location.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredFieldAttribute : Attribute
{
}
