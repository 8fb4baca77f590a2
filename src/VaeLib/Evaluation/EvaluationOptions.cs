namespace VaeLib.Evaluation;

/// <summary>Settings of <see cref="ModelEvaluation.Evaluate"/>; validated when set.</summary>
public sealed record EvaluationOptions
{
    private readonly MarginalLikelihoodOptions likelihood = new();
    private readonly double activityThreshold = LatentDiagnostics.DefaultThreshold;
    private readonly int batchSize = 1000;
    private readonly int probeItems = 10_000;

    /// <summary>The importance-sample counts, batch size and seed of the log-likelihood estimate.</summary>
    public MarginalLikelihoodOptions Likelihood
    {
        get => likelihood;
        init => likelihood = value ?? throw new ArgumentNullException(nameof(Likelihood));
    }

    /// <summary>A latent dimension is active when the variance of its μ over the test items exceeds this. Default 0.01.</summary>
    public double ActivityThreshold
    {
        get => activityThreshold;
        init => activityThreshold = OptionChecks.FiniteNonNegative(value, nameof(ActivityThreshold), "The threshold");
    }

    /// <summary>Items encoded, projected or reconstructed at once (the likelihood estimate has its own). Default 1000.</summary>
    public int BatchSize
    {
        get => batchSize;
        init => batchSize = OptionChecks.Positive(value, nameof(BatchSize), "The batch size");
    }

    /// <summary>
    /// At most this many training items, evenly spaced, fit the linear probes: a probe has few weights, and a
    /// full-batch fit on all of a large training set would cost more than everything else. Default 10 000.
    /// </summary>
    public int ProbeItems
    {
        get => probeItems;
        init => probeItems = OptionChecks.Positive(value, nameof(ProbeItems), "The number of probe items");
    }
}
