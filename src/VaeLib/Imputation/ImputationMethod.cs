namespace VaeLib.Imputation;

/// <summary>The Markov chain an <see cref="Imputer"/> runs over the latent code z and the missing entries x_m.</summary>
public enum ImputationMethod
{
    /// <summary>
    /// Pseudo-Gibbs (Rezende, Mohamed and Wierstra 2014): z ~ q(z | x_o, x_m), then x_m ~ p(x_m | z). It is an
    /// exact Gibbs sampler of p(z, x_m | x_o) when q(z|x) is the true posterior, and an approximation otherwise.
    /// </summary>
    PseudoGibbs,

    /// <summary>
    /// Metropolis-within-Gibbs (Mattei and Frellsen 2018): a proposal z' ~ q(z | x_o, x_m) is accepted with
    /// probability min(1, [p(x|z') p(z') q(z|x)] / [p(x|z) p(z) q(z'|x)]), then x_m ~ p(x_m | z). The encoder is only
    /// a proposal, so the chain targets p(z, x_m | x_o) exactly for any encoder.
    /// </summary>
    MetropolisWithinGibbs,
}
