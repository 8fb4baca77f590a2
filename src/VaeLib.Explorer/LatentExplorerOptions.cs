using VaeLib.Evaluation;

namespace VaeLib.Explorer;

/// <summary>What a <see cref="LatentExplorer"/> computes once at start-up; validated when set.</summary>
public sealed record LatentExplorerOptions
{
    private readonly int anomalyCount = 48;

    /// <summary>How many of the highest-scoring items the anomaly view lists. Default 48.</summary>
    public int AnomalyCount
    {
        get => anomalyCount;
        init => anomalyCount = OptionChecks.Positive(value, nameof(AnomalyCount), "The anomaly count");
    }

    /// <summary>
    /// How items are scored for the anomaly view. Default: −ELBO with 16 samples, relative to the perfect fit, so
    /// that images with many grey levels are not ranked first for that alone.
    /// </summary>
    public AnomalyScorerOptions AnomalyScoring { get; init; } = new() { RelativeToPerfectFit = true };
}
