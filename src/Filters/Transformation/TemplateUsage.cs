namespace Sluice.Filters.Transformation;

/// <summary>What a template reads from the message, found once when it is parsed: only a template that reads the body makes a request buffer it.</summary>
[Flags]
internal enum TemplateUsage
{
    None = 0,

    /// <summary><c>body</c> or <c>body()</c>: the raw body text.</summary>
    RawBody = 1,

    /// <summary>A JSON field (<c>user.id</c>, <c>body.user</c>, <c>context()</c>): the body parsed as JSON.</summary>
    JsonBody = 2,
}
