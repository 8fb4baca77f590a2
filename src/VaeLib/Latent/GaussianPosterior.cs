using VaeLib.Runtime;
using static TorchSharp.torch;

namespace VaeLib.Latent;

/// <summary>
/// A diagonal Gaussian q(z|x) = N(μ, diag σ²) for a batch, held as μ and log σ², each of shape <c>[N, D]</c>.
/// </summary>
public sealed class GaussianPosterior : Posterior
{
    /// <summary>Wraps the two heads' outputs.</summary>
    /// <param name="mean">μ, shape <c>[N, D]</c>.</param>
    /// <param name="logVariance">log σ², shape <c>[N, D]</c>.</param>
    public GaussianPosterior(Tensor mean, Tensor logVariance)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(logVariance);
        if (!Shapes.Of(mean).SequenceEqual(Shapes.Of(logVariance)))
        {
            throw new ArgumentException(
                $"μ and log σ² must have the same shape; found {Shapes.Format(Shapes.Of(mean))} and {Shapes.Format(Shapes.Of(logVariance))}.",
                nameof(logVariance));
        }

        Mean = mean;
        LogVariance = logVariance;
    }

    /// <summary>μ, shape <c>[N, D]</c>.</summary>
    public Tensor Mean { get; }

    /// <summary>The code of each item: μ.</summary>
    public override Tensor Code => Mean;

    /// <summary>log σ², shape <c>[N, D]</c>.</summary>
    public Tensor LogVariance { get; }

    /// <summary>σ = exp(½ log σ²), shape <c>[N, D]</c>.</summary>
    public Tensor StandardDeviation => LogVariance.mul(Scalars.Half).exp_();

    /// <summary>
    /// Draws reparameterized samples z = μ + σ·ε with ε ~ N(0, I), so gradients flow to μ and log σ².
    /// </summary>
    /// <param name="sampleCount">Monte Carlo samples per item, K ≥ 1.</param>
    /// <param name="generator">
    /// Seeded random generator, or null for TorchSharp's default one. TorchSharp's generators live on the CPU: on
    /// another device ε is drawn on the CPU and copied over, so a seeded run draws the same ε on every device.
    /// </param>
    /// <returns>z of shape <c>[K, N, D]</c>.</returns>
    public override Tensor Sample(int sampleCount = 1, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleCount);
        long[] shape = [sampleCount, .. Shapes.Of(Mean)];
        Tensor epsilon = GaussianNoise.Draw(shape, Mean.dtype, Mean.device, generator);
        return Mean.add(StandardDeviation * epsilon, Scalars.One);
    }

    /// <summary>
    /// The analytic KL(q ‖ N(0, I)) per latent dimension: −½ (1 + log σ² − μ² − σ²), shape <c>[N, D]</c>.
    /// </summary>
    /// <returns>Non-negative values, one per item and dimension.</returns>
    public Tensor KlPerDimension() => LogVariance.add(Scalars.One, Scalars.One).sub_(Mean.pow(Scalars.Two)).sub_(LogVariance.exp()).mul_(Scalars.MinusHalf);

    /// <summary>
    /// The analytic KL(q ‖ N(0, I)) = −½ Σ_d (1 + log σ²_d − μ²_d − σ²_d), one value per item, shape <c>[N]</c>.
    /// </summary>
    /// <returns>The divergence in nats.</returns>
    public Tensor KlToStandardNormal() => KlPerDimension().sum(-1);

    /// <summary>
    /// log q(z|x) = −½ Σ_d (log 2π + log σ²_d + ε²_d) with ε_d = (z_d − μ_d)·exp(−½ log σ²_d), for samples of shape
    /// <c>[K, N, D]</c> or <c>[N, D]</c>.
    /// </summary>
    /// <remarks>
    /// ε is formed by multiplying with exp(−½ log σ²), never by dividing by exp(log σ²): σ² underflows to 0 in float32
    /// below log σ² ≈ −104 and a sample z = μ + σ·ε then equals μ, so the division gave 0/0 = NaN. A point at the
    /// mean contributes ε = 0 even where exp(−½ log σ²) overflows (log σ² below about −177), so a collapsed dimension
    /// gives its finite peak density; a point off the mean there gives −∞, as the density is 0 in float32.
    /// </remarks>
    /// <param name="z">Latent points, with the posterior's batch and latent sizes as the last two dimensions.</param>
    /// <returns>Log-densities of shape <c>[K, N]</c> or <c>[N]</c>.</returns>
    public override Tensor LogDensity(Tensor z)
    {
        ArgumentNullException.ThrowIfNull(z);
        using var scope = NewDisposeScope();
        Tensor difference = z.sub(Mean);
        // Where z = μ, ε = 0 whatever σ is: the inverse scale is taken at log σ² = 0 there, so no 0·∞ arises, in the
        // value or in the gradient (exp's backward multiplies by exp's output).
        Tensor scaleExponent = where(difference.eq(Scalars.Zero), zeros_like(LogVariance), LogVariance).mul_(Scalars.MinusHalf);
        Tensor squared = difference.mul_(scaleExponent.exp_()).pow_(Scalars.Two); // no implicit Scalar (see Runtime.Scalars)
        return squared.add_(LogVariance, Scalars.One).add_(Scalars.LogTwoPi, Scalars.One).sum(-1).mul_(Scalars.MinusHalf).MoveToOuterDisposeScope();
    }
}
