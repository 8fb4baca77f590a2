using VaeLib.Latent;
using static TorchSharp.torch;

namespace VaeLib.Evaluation;

/// <summary>
/// The importance-weighted estimate of log p(x) (Burda, Grosse and Salakhutdinov 2016), with q(z|x) as the proposal:
/// log p(x) ≈ logsumexp_k [log p(x|z_k) + log p(z_k) − log q(z_k|x)] − log K, z_k ~ q(z|x).
/// </summary>
/// <remarks>
/// In expectation it is a lower bound on log p(x) that is at least the ELBO (K = 1 gives the ELBO's single-sample
/// estimate) and rises with K towards log p(x). The K samples are drawn in chunks so that memory stays bounded for
/// large K; the chunks are combined with a running log-sum-exp.
/// </remarks>
public static class MarginalLikelihood
{
    /// <summary>The number of decoded values (items × samples × item size) one chunk may hold.</summary>
    private const long ChunkElementBudget = 1L << 24;

    /// <summary>Estimates log p(x) for each item of a batch, without recording gradients.</summary>
    /// <param name="model">The model; its mode (training or evaluation) is left as it is.</param>
    /// <param name="input">Batch <c>[N, *InputShape]</c> on the model's device.</param>
    /// <param name="sampleCount">Importance samples per item, K ≥ 1.</param>
    /// <param name="generator">Random generator for z; null uses TorchSharp's default one.</param>
    /// <returns>Float64 estimates in nats, shape <c>[N]</c>, on the model's device.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleCount"/> is less than 1.</exception>
    public static Tensor ImportanceWeighted(VariationalAutoencoder model, Tensor input, int sampleCount, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleCount);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        GaussianPosterior posterior = model.Encode(input);
        long items = Math.Max(1, input.size(0));
        long itemSize = Math.Max(1, Shapes.ElementCount(model.InputShape));
        int chunk = (int)Math.Clamp(ChunkElementBudget / (items * itemSize), 1, sampleCount);
        Tensor? total = null;
        for (int drawn = 0; drawn < sampleCount; drawn += chunk)
        {
            int count = Math.Min(chunk, sampleCount - drawn);
            Tensor z = posterior.Sample(count, generator);
            Tensor logWeights = model.Likelihood.LogProb(input, model.Decode(z))
                .add_(StandardNormalPrior.LogDensity(z))
                .sub_(posterior.LogDensity(z))
                .to_type(ScalarType.Float64);
            Tensor part = logWeights.logsumexp(0);
            total = total is null ? part : logaddexp(total, part);
        }

        return total!.sub_(Math.Log(sampleCount)).MoveToOuterDisposeScope();
    }
}
