namespace AnomalyService;

/// <summary>The body of <c>POST /score</c>: items as arrays of raw values (e.g. pixel values 0–255), one array per item.</summary>
/// <param name="Items">The items to score.</param>
internal sealed record ScoreRequest(float[][]? Items);
