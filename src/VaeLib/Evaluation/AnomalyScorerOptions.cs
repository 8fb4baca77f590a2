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

    /// <summary>
    /// True: subtract from the score the perfect-fit bound −max_θ log p(x|θ) (see
    /// <see cref="Likelihoods.Likelihood.PerfectFitLogProb"/>), so the score measures how far the model is from a
    /// perfect fit of x rather than how hard x is to fit at all. Under a Bernoulli likelihood on grey levels this
    /// removes Σ_j H(x_j), which otherwise ranks every image with many grey pixels as anomalous. Default false.
    /// </summary>
    public bool RelativeToPerfectFit { get; init; }

    /// <summary>Seed of the generator that draws z; the same seed gives the same scores. Default 1.</summary>
    public ulong Seed { get; init; } = 1;
}
