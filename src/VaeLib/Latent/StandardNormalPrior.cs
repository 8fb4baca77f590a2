using VaeLib.Runtime;
using static TorchSharp.torch;

namespace VaeLib.Latent;

/// <summary>The prior p(z) = N(0, I), every model's default. It has no parameters.</summary>
public sealed class StandardNormalPrior : Prior
{
    /// <summary>Creates N(0, I) over a latent space.</summary>
    /// <param name="latentSize">Dimension D of z, ≥ 1.</param>
    public StandardNormalPrior(long latentSize)
        : base(nameof(StandardNormalPrior), latentSize)
    {
    }

    /// <inheritdoc />
    public override string Description => "N(0, I)";

    /// <summary>log p(z) = −½ Σ_d (log 2π + z_d²), summed over the last dimension.</summary>
    /// <param name="z">Latent points, latent size last.</param>
    /// <returns>Log-densities with the last dimension removed.</returns>
    public override Tensor LogDensity(Tensor z)
    {
        ArgumentNullException.ThrowIfNull(z);
        return z.pow(Scalars.Two).add_(Scalars.LogTwoPi, Scalars.One).sum(-1).mul_(Scalars.MinusHalf);
    }

    /// <inheritdoc />
    public override Tensor Sample(long count, Device device, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentNullException.ThrowIfNull(device);
        return GaussianNoise.Draw([count, LatentSize], ScalarType.Float32, device, generator);
    }

    /// <summary>For a diagonal Gaussian posterior, −½ (1 + log σ² − μ² − σ²) per item and dimension; null for any other.</summary>
    /// <param name="posterior">The posterior of a batch.</param>
    /// <returns>The divergences <c>[N, D]</c>, or null.</returns>
    public override Tensor? ClosedFormKlPerDimension(Posterior posterior) =>
        posterior is GaussianPosterior gaussian ? gaussian.KlPerDimension() : null;
}
