namespace VaeLib.Imputation;

/// <summary>Settings of an <see cref="Imputer"/>; validated when set.</summary>
public sealed record ImputationOptions
{
    private readonly ImputationMethod method = ImputationMethod.PseudoGibbs;
    private readonly int iterations = 50;
    private readonly int averagedIterations = 25;

    /// <summary>The chain. Default <see cref="ImputationMethod.PseudoGibbs"/>.</summary>
    public ImputationMethod Method
    {
        get => method;
        init => method = OptionChecks.Defined(value, nameof(Method), "imputation method");
    }

    /// <summary>Steps of the chain. Default 50.</summary>
    public int Iterations
    {
        get => iterations;
        init => iterations = OptionChecks.Positive(value, nameof(Iterations), "The number of iterations");
    }

    /// <summary>
    /// The last steps whose likelihood means E[x_m | z_t] are averaged into the point estimate (the earlier steps are
    /// burn-in); at most <see cref="Iterations"/>. Default 25.
    /// </summary>
    public int AveragedIterations
    {
        get => averagedIterations;
        init => averagedIterations = OptionChecks.Positive(value, nameof(AveragedIterations), "The number of averaged iterations");
    }

    /// <summary>
    /// True (the default): each step draws x_m ~ p(x_m | z), as the samplers are defined. False: each step puts the
    /// mean E[x_m | z] instead, a deterministic fill that keeps grey-level images grey under a Bernoulli likelihood
    /// (whose draws are black or white) but is no longer a sampler of p(x_m | x_o).
    /// </summary>
    public bool SampleMissing { get; init; } = true;
}
