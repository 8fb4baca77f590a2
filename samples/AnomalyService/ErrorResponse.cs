namespace AnomalyService;

/// <summary>The body of a 400 answer.</summary>
/// <param name="Error">What is wrong with the request, and what is expected.</param>
internal sealed record ErrorResponse(string Error);
