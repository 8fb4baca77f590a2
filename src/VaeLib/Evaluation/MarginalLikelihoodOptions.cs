namespace VaeLib.Evaluation;

/// <summary>Settings of <see cref="MarginalLikelihood.Estimate"/>; validated when set.</summary>
public sealed record MarginalLikelihoodOptions
{
    private readonly IReadOnlyList<int> sampleCounts = [1, 10, 100, 1000];
    private readonly int batchSize = 100;

    /// <summary>
    /// Increasing importance-sample counts K at which log p(x) is estimated, all from one stream of samples, so the
    /// largest sets the cost. Default 1, 10, 100, 1000.
    /// </summary>
    public IReadOnlyList<int> SampleCounts
    {
        get => sampleCounts;
        init
        {
            MarginalLikelihood.CheckSampleCounts(value, nameof(SampleCounts));
            sampleCounts = [.. value];
        }
    }

    /// <summary>Items evaluated at once (the samples of one batch are drawn in memory-bounded chunks). Default 100.</summary>
    public int BatchSize
    {
        get => batchSize;
        init => batchSize = OptionChecks.Positive(value, nameof(BatchSize), "The batch size");
    }

    /// <summary>Seed of the generator that draws z; the same seed gives the same numbers. Default 1.</summary>
    public ulong Seed { get; init; } = 1;
}
