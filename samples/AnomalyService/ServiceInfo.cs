namespace AnomalyService;

/// <summary>The answer of <c>GET /info</c>.</summary>
/// <param name="Model">What is loaded.</param>
/// <param name="ItemSize">Values per item.</param>
/// <param name="InputUnits">What an item's values are.</param>
/// <param name="InputMinimum">The smallest value accepted; null when only finiteness is required.</param>
/// <param name="InputMaximum">The largest value accepted; null when only finiteness is required.</param>
internal sealed record ServiceInfo(string Model, long ItemSize, string InputUnits, float? InputMinimum, float? InputMaximum);
