namespace VaeLib.Explorer;

/// <summary>One item of the anomaly list.</summary>
/// <param name="Index">The item's index in the data set.</param>
/// <param name="Score">Its anomaly score in nats (higher is stranger; see <see cref="Evaluation.AnomalyScorer"/>).</param>
public sealed record AnomalousItem(int Index, double Score);
