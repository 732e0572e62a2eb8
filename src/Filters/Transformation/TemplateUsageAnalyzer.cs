using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace Sluice.Filters.Transformation;

/// <summary>
/// Walks a parsed template to learn which variables it reads. A name that is not a built-in, an extractor or a
/// variable the template assigns itself is a field of the JSON body, as Gloo exposes the parsed body at top level.
/// Also refuses the tags that would reach outside the template (<c>include</c>, <c>render</c>, <c>from</c>) and
/// ranges a message could make unbounded.
/// </summary>
internal sealed class TemplateUsageAnalyzer : AstVisitor
{
    public const int MaxRangeItems = 10_000;

    private readonly HashSet<string> _roots = new(StringComparer.Ordinal);
    private readonly HashSet<string> _locals = new(StringComparer.Ordinal) { "forloop", "tablerowloop", "empty", "blank", "nil", "null" };
    private bool _bodyRaw;
    private bool _bodyMembers;

    public string? Refused { get; private set; }

    public static TemplateUsage Analyze(IFluidTemplate template, IReadOnlySet<string> extractorNames, out string? refused)
    {
        var analyzer = new TemplateUsageAnalyzer();
        analyzer.VisitTemplate(template);
        refused = analyzer.Refused;
        var usage = TemplateUsage.None;
        if (analyzer._bodyRaw)
        {
            usage |= TemplateUsage.RawBody;
        }

        if (analyzer._bodyMembers)
        {
            usage |= TemplateUsage.JsonBody;
        }

        foreach (var root in analyzer._roots)
        {
            if (!analyzer._locals.Contains(root) && !TemplateScope.IsBuiltIn(root) && !extractorNames.Contains(root))
            {
                usage |= TemplateUsage.JsonBody;
            }
        }

        return usage;
    }

    protected override Expression VisitMemberExpression(MemberExpression memberExpression)
    {
        if (memberExpression.Segments.Count > 0 && memberExpression.Segments[0] is IdentifierSegment root)
        {
            switch (root.Identifier)
            {
                case TemplateScope.BodyName:
                    // body and body() are the text; body.x and body["x"] are JSON fields.
                    var rest = memberExpression.Segments.Count - 1;
                    if (rest == 0 || (rest == 1 && memberExpression.Segments[1] is FunctionCallSegment))
                    {
                        _bodyRaw = true;
                    }
                    else
                    {
                        _bodyMembers = true;
                    }

                    break;
                case TemplateScope.ContextName:
                    _bodyMembers = true;
                    break;
                default:
                    _roots.Add(root.Identifier);
                    break;
            }
        }

        return base.VisitMemberExpression(memberExpression);
    }

    protected override Statement VisitAssignStatement(AssignStatement assignStatement)
    {
        _locals.Add(assignStatement.Identifier);
        return base.VisitAssignStatement(assignStatement);
    }

    protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
    {
        _locals.Add(captureStatement.Identifier);
        return base.VisitCaptureStatement(captureStatement);
    }

    protected override Statement VisitForStatement(ForStatement forStatement)
    {
        _locals.Add(forStatement.Identifier);
        return base.VisitForStatement(forStatement);
    }

    protected override Statement VisitTableRowStatement(TableRowStatement tableRowStatement)
    {
        _locals.Add(tableRowStatement.Identifier);
        return base.VisitTableRowStatement(tableRowStatement);
    }

    protected override Statement VisitMacroStatement(MacroStatement macroStatement)
    {
        _locals.Add(macroStatement.Identifier);
        foreach (var argument in macroStatement.Arguments)
        {
            _locals.Add(argument.Name);
        }

        return base.VisitMacroStatement(macroStatement);
    }

    /// <summary>
    /// Fluid builds a range's items before a loop counts a single step, so a bound read from the request body would let
    /// a client make the gateway allocate at will: ranges need literal bounds, and a modest size.
    /// </summary>
    protected override Expression VisitRangeExpression(RangeExpression rangeExpression)
    {
        if (rangeExpression.From is not LiteralExpression { Value.Type: FluidValues.Number } from
            || rangeExpression.To is not LiteralExpression { Value.Type: FluidValues.Number } to)
        {
            Refused ??= "ranges (a..b) must have literal numbers as bounds: a bound taken from the message could make the gateway build any number of items";
        }
        else if (to.Value.ToNumberValue() - from.Value.ToNumberValue() >= MaxRangeItems)
        {
            Refused ??= $"ranges (a..b) may hold at most {MaxRangeItems} items";
        }

        return base.VisitRangeExpression(rangeExpression);
    }

    protected override Statement VisitIncludeStatement(IncludeStatement includeStatement)
    {
        Refused ??= "the include tag is not available: templates cannot read files";
        return includeStatement;
    }

    protected override Statement VisitRenderStatement(RenderStatement renderStatement)
    {
        Refused ??= "the render tag is not available: templates cannot read files";
        return renderStatement;
    }

    protected override Statement VisitFromStatement(FromStatement fromStatement)
    {
        Refused ??= "the from tag is not available: templates cannot read files";
        return fromStatement;
    }
}
