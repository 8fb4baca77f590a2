using static TorchSharp.torch;

namespace VaeLib.Latent;

/// <summary>The prior p(z) = N(0, I).</summary>
public static class StandardNormalPrior
{
    private static readonly double LogTwoPi = Math.Log(2 * Math.PI);

    /// <summary>log p(z) = −½ Σ_d (log 2π + z_d²), summed over the last dimension.</summary>
    /// <param name="z">Latent points, latent size last.</param>
    /// <returns>Log-densities with the last dimension removed.</returns>
    public static Tensor LogDensity(Tensor z)
    {
        ArgumentNullException.ThrowIfNull(z);
        return (z.square() + LogTwoPi).sum(-1) * -0.5;
    }

    /// <summary>Draws <paramref name="count"/> points from N(0, I).</summary>
    /// <param name="count">Number of points.</param>
    /// <param name="latentSize">Dimension of z.</param>
    /// <param name="device">Device of the result.</param>
    /// <param name="generator">Random generator on that device; null uses TorchSharp's default one.</param>
    /// <returns>z of shape <c>[count, latentSize]</c>.</returns>
    public static Tensor Sample(long count, long latentSize, Device? device = null, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(latentSize);
        return randn([count, latentSize], device: device, generator: generator);
    }
}
