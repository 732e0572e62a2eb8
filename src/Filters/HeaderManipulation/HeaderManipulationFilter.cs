using System.Text;

namespace Sluice.Filters.HeaderManipulation;

/// <summary>
/// Runs <c>headerManipulation</c>: edits the request headers YARP copies upstream, and the response headers after
/// YARP copied the upstream's (or the gateway wrote its own) and before the body starts.
/// </summary>
internal sealed class HeaderManipulationFilter(HeaderEdits request, HeaderEdits response) : HttpFilter
{
    public override FilterStage Stage => FilterStage.Transform;

    public override ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange)
    {
        if (!request.IsEmpty)
        {
            request.Apply(exchange.HttpContext.Request.Headers, exchange);
        }

        return new(FilterVerdict.Continue);
    }

    public override void OnResponseHeaders(ProxyExchange exchange)
    {
        if (!response.IsEmpty)
        {
            response.Apply(exchange.HttpContext.Response.Headers, exchange);
        }
    }

    public override string Describe()
    {
        var builder = new StringBuilder("headerManipulation");
        DescribeEdits(builder, "request", request);
        DescribeEdits(builder, "response", response);
        return builder.ToString();
    }

    private static void DescribeEdits(StringBuilder builder, string side, HeaderEdits edits)
    {
        if (edits.IsEmpty)
        {
            return;
        }

        builder.Append(' ').Append(side).Append('[');
        var first = true;
        foreach (var name in edits.Removals)
        {
            builder.Append(first ? string.Empty : ", ").Append("remove ").Append(name);
            first = false;
        }

        foreach (var addition in edits.Additions)
        {
            builder.Append(first ? string.Empty : ", ").Append(addition.Append ? "append " : "set ")
                .Append(addition.Name).Append(": ").Append(addition.Value.Source);
            first = false;
        }

        builder.Append(']');
    }
}
