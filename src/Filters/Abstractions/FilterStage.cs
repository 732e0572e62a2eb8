namespace Sluice.Filters;

/// <summary>
/// The fixed order filters run in on the request side, as in Gloo; the response side runs in reverse.
/// </summary>
public enum FilterStage
{
    Fault = 0,
    Cors = 1,
    AuthN = 2,
    AuthZ = 3,
    RateLimit = 4,
    Transform = 5,
    Route = 6,
}
