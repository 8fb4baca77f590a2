using static TorchSharp.torch;

namespace VaeLib.Likelihoods;

/// <summary>
/// Bernoulli p(x|z) on logits ℓ: log p(x|ℓ) = Σ_j x_j ℓ_j − log(1 + e^{ℓ_j}), computed as the negative of
/// binary cross-entropy with logits (stable for any ℓ, no sigmoid-then-log). For x in [0, 1] (grey levels) this is
/// the usual cross-entropy objective.
/// </summary>
public sealed class BernoulliLikelihood : Likelihood
{
    /// <inheritdoc />
    public override string Name => "bernoulli";

    /// <summary>sigmoid(ℓ), the probability of a one.</summary>
    /// <param name="parameters">Logits.</param>
    /// <returns>Probabilities.</returns>
    public override Tensor Mean(Tensor parameters) => nn.functional.sigmoid(parameters);

    /// <summary>Zeros and ones with P(1) = sigmoid(ℓ).</summary>
    /// <param name="parameters">Logits.</param>
    /// <param name="generator">Seeded random generator (drawn on the CPU and copied when the logits are elsewhere), or null for the default one.</param>
    /// <returns>A draw of the same shape, float, values 0 or 1.</returns>
    public override Tensor Sample(Tensor parameters, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using Tensor probabilities = Mean(parameters);
        return generator is null || parameters.device.type == TorchSharp.DeviceType.CPU
            ? probabilities.bernoulli(generator)
            : probabilities.cpu().bernoulli(generator).to(parameters.device);
    }

    /// <summary>
    /// Σ_j x_j log x_j + (1 − x_j) log(1 − x_j) = −Σ_j H(x_j), reached at sigmoid(ℓ_j) = x_j (with 0 log 0 = 0): zero for
    /// black-and-white data, and lower the more grey levels an item has.
    /// </summary>
    /// <param name="data">Observations in [0, 1], shape <c>[N, *S]</c>; rank-1 data <c>[N]</c> are N items of one element, as <see cref="Likelihood.LogProb"/> reads them.</param>
    /// <returns>Shape <c>[N]</c>.</returns>
    /// <exception cref="ArgumentException">The data are a scalar.</exception>
    public override Tensor PerfectFitLogProb(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.dim() < 1)
        {
            throw new ArgumentException($"{Name} likelihood: expected data [N, *S] or [N]; found a scalar.", nameof(data));
        }

        using Tensor complement = data.neg().add_(Runtime.Scalars.One);
        using Tensor ones = data.xlogy(data);
        using Tensor zeros = complement.xlogy(complement);
        Tensor perElement = ones.add_(zeros);
        // An item of rank-1 data is one element: its value is already the item's sum (flatten(1) has no axis 1 there).
        return data.dim() == 1 ? perElement.alias() : perElement.flatten(1).sum(-1);
    }

    /// <inheritdoc />
    protected override Tensor ElementLogProbSum(Tensor data, Tensor parameters)
    {
        long[] shape = Shapes.Of(parameters);
        Tensor target = Shapes.Of(data).SequenceEqual(shape) ? data : data.expand(shape);
        return nn.functional.binary_cross_entropy_with_logits(parameters, target, reduction: nn.Reduction.None).sum(-1).neg();
    }
}
