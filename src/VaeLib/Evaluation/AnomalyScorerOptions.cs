namespace VaeLib.Evaluation;

/// <summary>Settings of an <see cref="AnomalyScorer"/>; validated when set.</summary>
public sealed record AnomalyScorerOptions
{
    private readonly AnomalyScoreKind kind = AnomalyScoreKind.NegativeElbo;
    private readonly int sampleCount = 16;
    private readonly int batchSize = 256;

    /// <summary>The score. Default <see cref="AnomalyScoreKind.NegativeElbo"/>.</summary>
    public AnomalyScoreKind Kind
    {
        get => kind;
        init => kind = OptionChecks.Defined(value, nameof(Kind), "anomaly score kind");
    }

    /// <summary>Samples of z per item: S for the ELBO's reconstruction term, K for the importance-weighted estimate. Default 16.</summary>
    public int SampleCount
    {
        get => sampleCount;
        init => sampleCount = OptionChecks.Positive(value, nameof(SampleCount), "The sample count");
    }

    /// <summary>Items scored at once. Default 256.</summary>
    public int BatchSize
    {
        get => batchSize;
        init => batchSize = OptionChecks.Positive(value, nameof(BatchSize), "The batch size");
    }

    /// <summary>Seed of the generator that draws z; the same seed gives the same scores. Default 1.</summary>
    public ulong Seed { get; init; } = 1;
}
