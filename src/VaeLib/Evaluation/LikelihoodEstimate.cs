namespace VaeLib.Evaluation;

/// <summary>How well a model explains a data set, in nats per item (see <see cref="MarginalLikelihood.Estimate"/>).</summary>
/// <param name="SampleCounts">The importance-sample counts K, increasing.</param>
/// <param name="LogLikelihood">
/// The mean importance-weighted estimate of log p(x) at each K. Each is a lower bound on the mean log p(x) in
/// expectation; it rises with K, and K = 1 is a single-sample estimate of the ELBO.
/// </param>
/// <param name="StandardError">The standard error of each mean over the items.</param>
/// <param name="Reconstruction">Mean −E_q[log p(x|z)], estimated with all max(K) samples of each item.</param>
/// <param name="Kl">Mean KL(q(z|x) ‖ N(0, I)), in closed form.</param>
/// <param name="Count">Number of items.</param>
public sealed record LikelihoodEstimate(
    IReadOnlyList<int> SampleCounts,
    IReadOnlyList<double> LogLikelihood,
    IReadOnlyList<double> StandardError,
    double Reconstruction,
    double Kl,
    long Count)
{
    /// <summary>The mean negative ELBO, <see cref="Reconstruction"/> + <see cref="Kl"/> (what training with β = 1 minimizes).</summary>
    public double NegativeElbo => Reconstruction + Kl;

    /// <summary>The mean estimate of log p(x) at the largest K: the tightest bound measured.</summary>
    public double BestLogLikelihood => LogLikelihood[^1];
}
