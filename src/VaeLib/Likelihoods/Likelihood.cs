using static TorchSharp.torch;

namespace VaeLib.Likelihoods;

/// <summary>
/// The observation model p(x|z), given the decoder's output (its parameters). One <see cref="LogProb"/> serves the
/// training loss, likelihood estimates and anomaly scores alike. Derive from it to add another distribution.
/// </summary>
public abstract class Likelihood
{
    /// <summary>A short, stable name, e.g. <c>bernoulli</c>; used in saved models and reports.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// log p(x|z) summed over the data dimensions: a true log-density (or log-probability), in nats.
    /// </summary>
    /// <param name="data">Observations x, shape <c>[N, *S]</c>.</param>
    /// <param name="parameters">Decoder output, shape <c>[N, *S]</c> or <c>[K, N, *S]</c> for K samples of z.</param>
    /// <returns>Shape <c>[N]</c> or <c>[K, N]</c>.</returns>
    public Tensor LogProb(Tensor data, Tensor parameters)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(parameters);
        int dataRank = (int)data.dim();
        int leading = (int)parameters.dim() - dataRank;
        if (dataRank < 1 || leading < 0 || leading > 1 || !Shapes.Of(parameters).Skip(leading).SequenceEqual(Shapes.Of(data)))
        {
            throw new ArgumentException(
                $"{Name} likelihood: parameters of shape {Shapes.Format(Shapes.Of(parameters))} do not match data of shape {Shapes.Format(Shapes.Of(data))}; expected [N, *S] or [K, N, *S] for data [N, *S].",
                nameof(parameters));
        }

        Tensor flatData = dataRank == 1 ? data.unsqueeze(1) : data.flatten(1);
        Tensor flatParameters = dataRank == 1 ? parameters.unsqueeze(-1) : parameters.flatten(leading + 1);
        return ElementLogProbSum(flatData, flatParameters);
    }

    /// <summary>The mean of p(x|z) (what a reconstruction or a sample shows), in the data's shape.</summary>
    /// <param name="parameters">Decoder output.</param>
    /// <returns>E[x|z], the same shape as <paramref name="parameters"/>.</returns>
    public abstract Tensor Mean(Tensor parameters);

    /// <summary>
    /// max_θ log p(x|θ) with one free parameter per data element (the saturated model), summed over the data
    /// dimensions: the best log-likelihood any decoder could reach for x. Subtracting it from a log-likelihood leaves
    /// how far the model is from a perfect fit, without the part that depends on x alone (see
    /// <see cref="Evaluation.AnomalyScorerOptions.RelativeToPerfectFit"/>).
    /// </summary>
    /// <param name="data">Observations x, shape <c>[N, *S]</c>.</param>
    /// <returns>Shape <c>[N]</c>.</returns>
    /// <exception cref="NotSupportedException">This likelihood does not implement it (the default).</exception>
    public virtual Tensor PerfectFitLogProb(Tensor data) =>
        throw new NotSupportedException($"The {Name} likelihood does not define its perfect-fit log-likelihood; override {nameof(Likelihood)}.{nameof(PerfectFitLogProb)} to add it.");

    /// <summary>Draws x ~ p(x|z) given the decoder's output, e.g. for imputation by a Markov chain.</summary>
    /// <param name="parameters">Decoder output.</param>
    /// <param name="generator">Seeded random generator (TorchSharp's generators live on the CPU), or null for the default one.</param>
    /// <returns>A draw of the same shape as <paramref name="parameters"/>.</returns>
    /// <exception cref="NotSupportedException">This likelihood does not implement sampling (the default).</exception>
    public virtual Tensor Sample(Tensor parameters, Generator? generator = null) =>
        throw new NotSupportedException($"The {Name} likelihood cannot draw samples of x; override {nameof(Likelihood)}.{nameof(Sample)} to add it.");

    /// <summary>
    /// Σ_j log p(x_j | θ_j) over the last dimension, for flattened data <c>[N, M]</c> and parameters <c>[N, M]</c>
    /// or <c>[K, N, M]</c> (broadcast over K).
    /// </summary>
    /// <param name="data">Flattened observations.</param>
    /// <param name="parameters">Flattened parameters.</param>
    /// <returns>Shape <c>[N]</c> or <c>[K, N]</c>.</returns>
    protected abstract Tensor ElementLogProbSum(Tensor data, Tensor parameters);
}
