using static TorchSharp.torch;

namespace VaeLib.Latent;

/// <summary>
/// An approximate posterior q(z|x) for a batch of N items over a D-dimensional latent space: what the objective,
/// the importance-weighted estimate and the priors' KL read, whatever family the posterior is of.
/// </summary>
/// <remarks>
/// The vocabulary is TorchSharp's <c>Distribution</c>'s: reparameterized samples (<c>rsample</c>) and the
/// log-density of points (<c>log_prob</c>). A posterior whose samples come with their log-density at no extra cost
/// (a normalizing flow: z_T and log q(z_T) = log q₀(z₀) − Σ log|det ∂f/∂z|) overrides
/// <see cref="SampleWithLogDensity"/>, so callers never need to invert it.
/// </remarks>
public abstract class Posterior
{
    /// <summary>The deterministic code of each item, <c>[N, D]</c>, used as its representation (μ for a Gaussian).</summary>
    public abstract Tensor Code { get; }

    /// <summary>Dimension D of z.</summary>
    public long LatentSize => Code.size(-1);

    /// <summary>Number N of items.</summary>
    public long Count => Code.size(0);

    /// <summary>Draws K reparameterized samples per item, so gradients flow to the posterior's parameters.</summary>
    /// <param name="sampleCount">Monte Carlo samples per item, K ≥ 1.</param>
    /// <param name="generator">Seeded random generator, or null for TorchSharp's default one.</param>
    /// <returns>z of shape <c>[K, N, D]</c>.</returns>
    public abstract Tensor Sample(int sampleCount = 1, Generator? generator = null);

    /// <summary>log q(z|x) of points, summed over the latent dimension.</summary>
    /// <param name="z">Points <c>[K, N, D]</c> or <c>[N, D]</c>.</param>
    /// <returns>Log-densities <c>[K, N]</c> or <c>[N]</c>.</returns>
    public abstract Tensor LogDensity(Tensor z);

    /// <summary>Draws K reparameterized samples per item together with their log-density under q.</summary>
    /// <param name="sampleCount">K ≥ 1.</param>
    /// <param name="generator">Seeded random generator, or null.</param>
    /// <returns>z <c>[K, N, D]</c> and log q(z|x) <c>[K, N]</c>.</returns>
    public virtual PosteriorSamples SampleWithLogDensity(int sampleCount = 1, Generator? generator = null)
    {
        Tensor z = Sample(sampleCount, generator);
        return new PosteriorSamples(z, LogDensity(z));
    }
}
