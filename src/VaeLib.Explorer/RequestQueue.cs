using Microsoft.AspNetCore.Http;

namespace VaeLib.Explorer;

/// <summary>
/// Bounds how many requests need the model at once (<see cref="ExplorerServerOptions.MaxQueuedRequests"/>): one more
/// is answered 429 with <c>Retry-After</c> at once, so that a burst of requests cannot queue minutes of work.
/// </summary>
/// <param name="capacity">The most requests inside at once, the one the model computes included.</param>
internal sealed class RequestQueue(int capacity)
{
    private int inside;

    /// <summary>An endpoint filter: lets the request in while there is room, answers 429 otherwise.</summary>
    public async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (Interlocked.Increment(ref inside) > capacity)
        {
            Interlocked.Decrement(ref inside);
            context.HttpContext.Response.Headers.RetryAfter = "1";
            return Results.Problem(
                detail: $"The model is busy: {capacity} requests wait for it already (the server's bound); retry in a second.",
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many requests");
        }

        try
        {
            return await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref inside);
        }
    }
}
