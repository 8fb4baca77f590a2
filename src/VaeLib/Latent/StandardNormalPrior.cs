using VaeLib.Runtime;
using static TorchSharp.torch;

namespace VaeLib.Latent;

/// <summary>The prior p(z) = N(0, I).</summary>
public static class StandardNormalPrior
{
    /// <summary>log p(z) = −½ Σ_d (log 2π + z_d²), summed over the last dimension.</summary>
    /// <param name="z">Latent points, latent size last.</param>
    /// <returns>Log-densities with the last dimension removed.</returns>
    public static Tensor LogDensity(Tensor z)
    {
        ArgumentNullException.ThrowIfNull(z);
        return z.pow(Scalars.Two).add_(Scalars.LogTwoPi, Scalars.One).sum(-1).mul_(Scalars.MinusHalf);
    }

    /// <summary>Draws <paramref name="count"/> points from N(0, I).</summary>
    /// <param name="count">Number of points.</param>
    /// <param name="latentSize">Dimension of z.</param>
    /// <param name="device">Device of the result.</param>
    /// <param name="generator">Seeded random generator (TorchSharp's generators live on the CPU), or null for the default one.</param>
    /// <returns>z of shape <c>[count, latentSize]</c>.</returns>
    public static Tensor Sample(long count, long latentSize, Device? device = null, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(latentSize);
        return Noise([count, latentSize], ScalarType.Float32, device ?? CPU, generator);
    }

    /// <summary>
    /// Standard normal noise on a device. TorchSharp 0.107 creates every generator on the CPU, and libtorch refuses a
    /// CPU generator for a CUDA tensor, so seeded noise for another device is drawn on the CPU and copied.
    /// </summary>
    internal static Tensor Noise(long[] shape, ScalarType dtype, Device device, Generator? generator) =>
        generator is null || device.type == TorchSharp.DeviceType.CPU
            ? randn(shape, dtype: dtype, device: device, generator: generator)
            : randn(shape, dtype: dtype, device: CPU, generator: generator).to(device);
}
