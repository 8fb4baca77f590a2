using TorchSharp;
using static TorchSharp.torch;

namespace VaeLib.Latent;

/// <summary>
/// A prior p(z) over the latent space. It is a module: a prior with learnable parameters (a mixture, a VampPrior)
/// registers them and they train, move to the device and save with the model.
/// </summary>
/// <remarks>
/// The KL term of the objective uses <see cref="ClosedFormKlPerDimension"/> where the (posterior, prior) pair has a
/// closed form, and otherwise a Monte Carlo estimate E_q[log q(z|x) − log p(z)] from the objective's samples.
/// Sampling from the model, the importance-weighted estimate of log p(x), imputation and the explorer all read the
/// model's prior, never a fixed one.
/// </remarks>
public abstract class Prior : nn.Module
{
    /// <summary>Creates the prior.</summary>
    /// <param name="name">The module's name.</param>
    /// <param name="latentSize">Dimension D of z, ≥ 1.</param>
    protected Prior(string name, long latentSize)
        : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(latentSize);
        LatentSize = latentSize;
    }

    /// <summary>Dimension D of z.</summary>
    public long LatentSize { get; }

    /// <summary>log p(z), summed over the last (latent) dimension.</summary>
    /// <param name="z">Points with the latent size last, e.g. <c>[K, N, D]</c>.</param>
    /// <returns>Log-densities with the last dimension removed.</returns>
    public abstract Tensor LogDensity(Tensor z);

    /// <summary>Draws points from the prior.</summary>
    /// <param name="count">Number of points, ≥ 1.</param>
    /// <param name="device">Device of the result.</param>
    /// <param name="generator">Seeded random generator (TorchSharp's generators live on the CPU), or null for the default one.</param>
    /// <returns>z of shape <c>[count, D]</c>, float32.</returns>
    public abstract Tensor Sample(long count, Device device, Generator? generator = null);

    /// <summary>
    /// KL(q ‖ p) per item and latent dimension in closed form, <c>[N, D]</c>, or null when this pair has none (the
    /// default), in which case objectives estimate the KL by Monte Carlo. Free bits need it.
    /// </summary>
    /// <param name="posterior">The posterior of a batch.</param>
    /// <returns>The divergences in nats, or null.</returns>
    public virtual Tensor? ClosedFormKlPerDimension(Posterior posterior) => null;

    /// <summary>A short description for messages and reports, e.g. <c>N(0, I)</c>.</summary>
    public virtual string Description => GetName();
}
