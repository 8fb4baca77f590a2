using TorchSharp;
using static TorchSharp.torch;

namespace VaeLib.Likelihoods;

/// <summary>
/// Gaussian p(x|z) = N(f(z), c·I) with a fixed variance c: log p(x|z) = −‖x − f(z)‖² / (2c) − (M/2) log(2πc), with M
/// the number of data elements. The normalising constant is included so the value is a true log-density.
/// </summary>
public sealed class GaussianLikelihood : Likelihood
{
    /// <summary>Creates the likelihood.</summary>
    /// <param name="variance">The fixed variance c &gt; 0. Default 1.</param>
    public GaussianLikelihood(double variance = 1.0)
    {
        if (!(variance > 0) || double.IsInfinity(variance))
        {
            throw new ArgumentOutOfRangeException(nameof(variance), variance, "The Gaussian likelihood's variance must be positive and finite.");
        }

        Variance = variance;
    }

    /// <summary>The fixed variance c.</summary>
    public double Variance { get; }

    /// <inheritdoc />
    public override string Name => "gaussian";

    /// <summary>f(z) itself: the decoder's output is the mean.</summary>
    /// <param name="parameters">Means.</param>
    /// <returns>The same tensor.</returns>
    public override Tensor Mean(Tensor parameters) => parameters;

    /// <summary>f(z) + √c·ε with ε ~ N(0, I).</summary>
    /// <param name="parameters">Means.</param>
    /// <param name="generator">Seeded random generator, or null for the default one.</param>
    /// <returns>A draw of the same shape.</returns>
    public override Tensor Sample(Tensor parameters, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using Scalar scale = Math.Sqrt(Variance).ToScalar();
        return Runtime.GaussianNoise.Draw(Shapes.Of(parameters), parameters.dtype, parameters.device, generator).mul_(scale).add_(parameters);
    }

    /// <summary>−(M/2) log(2πc), reached at f(z) = x: the same for every item, with M the number of data elements.</summary>
    /// <param name="data">Observations, shape <c>[N, *S]</c>.</param>
    /// <returns>Shape <c>[N]</c>.</returns>
    public override Tensor PerfectFitLogProb(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        long elements = Shapes.Of(data).Skip(1).Aggregate(1L, (product, size) => product * size);
        return full([data.size(0)], -0.5 * elements * Math.Log(2 * Math.PI * Variance), dtype: ScalarType.Float64, device: data.device);
    }

    /// <inheritdoc />
    protected override Tensor ElementLogProbSum(Tensor data, Tensor parameters)
    {
        long elements = Shapes.Of(data)[^1];
        double constant = 0.5 * elements * Math.Log(2 * Math.PI * Variance);
        using Scalar scale = (-0.5 / Variance).ToScalar();
        using Scalar offset = constant.ToScalar();
        return (parameters - data).pow(Runtime.Scalars.Two).sum(-1).mul_(scale).sub_(offset);
    }
}
