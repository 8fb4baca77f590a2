using VaeLib.Data;
using VaeLib.Latent;
using VaeLib.Runtime;
using TorchSharp;
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
    /// <summary>
    /// The number of decoded values (items × samples × item size) one chunk may hold: 16 MiB of float32, below the
    /// 32 MiB from which glibc maps each buffer afresh under NativeAllocator's settings (measured on 500 Fashion-MNIST
    /// items at K = 1000: 7 s and 1.5 s of system time, against 14 s and 6.5 s with 64 MiB chunks).
    /// </summary>
    private const long ChunkElementBudget = 1L << 22;

    /// <summary>Estimates log p(x) for each item of a batch, without recording gradients.</summary>
    /// <param name="model">The model; its mode (training or evaluation) is left as it is.</param>
    /// <param name="input">Batch <c>[N, *InputShape]</c> on the model's device.</param>
    /// <param name="sampleCount">Importance samples per item, K ≥ 1.</param>
    /// <param name="generator">Random generator for z; null uses TorchSharp's default one.</param>
    /// <returns>Float64 estimates in nats, shape <c>[N]</c>, on the model's device.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleCount"/> is less than 1.</exception>
    public static Tensor ImportanceWeighted(VariationalAutoencoder model, Tensor input, int sampleCount, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleCount);
        using var scope = NewDisposeScope();
        return ImportanceWeighted(model, input, [sampleCount], generator)[0].MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Estimates log p(x) for each item of a batch at several sample counts from one stream of samples: row c uses
    /// the first <c>sampleCounts[c]</c> samples, so the largest count costs what it costs alone and the smaller ones
    /// come free. No gradients are recorded.
    /// </summary>
    /// <param name="model">The model; its mode (training or evaluation) is left as it is.</param>
    /// <param name="input">Batch <c>[N, *InputShape]</c> on the model's device.</param>
    /// <param name="sampleCounts">Increasing sample counts, each ≥ 1, e.g. 1, 10, 100, 1000.</param>
    /// <param name="generator">Random generator for z; null uses TorchSharp's default one.</param>
    /// <returns>Float64 estimates in nats, shape <c>[C, N]</c> for C sample counts, on the model's device.</returns>
    /// <exception cref="ArgumentException">The sample counts are empty, not increasing, or one is less than 1.</exception>
    public static Tensor ImportanceWeighted(VariationalAutoencoder model, Tensor input, IReadOnlyList<int> sampleCounts, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        CheckSampleCounts(sampleCounts, nameof(sampleCounts));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (estimates, _) = Stream(model, input, model.Encode(input), sampleCounts, generator);
        return estimates.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Evaluates a data set in batches, without gradients and in evaluation mode: the mean importance-weighted
    /// estimate of log p(x) at each of <see cref="MarginalLikelihoodOptions.SampleCounts"/>, and the ELBO's parts
    /// from the same samples. z is drawn from a generator seeded afresh, so the same model and data give the same numbers.
    /// </summary>
    /// <param name="model">The model; its mode is restored afterwards.</param>
    /// <param name="data">Items of the model's input shape.</param>
    /// <param name="options">Sample counts, batch size and seed; null for the defaults.</param>
    /// <returns>Per-item means in nats.</returns>
    /// <exception cref="ArgumentException">The items' shape differs from the model's, or the data set is empty.</exception>
    public static LikelihoodEstimate Estimate(VariationalAutoencoder model, IDataset data, MarginalLikelihoodOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckData(model, data);
        options ??= new MarginalLikelihoodOptions();
        int[] counts = [.. options.SampleCounts];
        using IDisposable mode = DatasetBatches.EvaluationMode(model);
        using var scope = NewDisposeScope();
        using var generator = new Generator(options.Seed);
        // Per count: Σ estimate and Σ estimate²; and Σ over items of the mean log p(x|z) over samples, and of the KL.
        Tensor sums = zeros([counts.Length, 2], dtype: ScalarType.Float64, device: model.Device);
        Tensor parts = zeros(2, dtype: ScalarType.Float64, device: model.Device);
        using Scalar sampleCount = counts[^1].ToScalar();
        foreach (Tensor items in DatasetBatches.Of(data, options.BatchSize))
        {
            using var batchScope = NewDisposeScope();
            Tensor batch = items.to(model.Device);
            GaussianPosterior posterior = model.Encode(batch);
            var (estimates, reconstruction) = Stream(model, batch, posterior, counts, generator);
            // Slot by slot: torch.stack leaves an object for the finalizer (see Runtime.Scalars).
            sums.select(1, 0).add_(estimates.sum(1), Scalars.One);
            sums.select(1, 1).add_(estimates.pow(Scalars.Two).sum(1), Scalars.One);
            parts.select(0, 0).add_(reconstruction.sum().div_(sampleCount), Scalars.One);
            parts.select(0, 1).add_(posterior.KlToStandardNormal().to_type(ScalarType.Float64).sum(), Scalars.One);
        }

        double[] totals = sums.cpu().data<double>().ToArray();
        double[] means = parts.cpu().data<double>().ToArray();
        long n = data.Count;
        var logLikelihood = new double[counts.Length];
        var standardError = new double[counts.Length];
        for (int c = 0; c < counts.Length; c++)
        {
            logLikelihood[c] = totals[2 * c] / n;
            double variance = n > 1 ? Math.Max(0, (totals[(2 * c) + 1] - (n * logLikelihood[c] * logLikelihood[c])) / (n - 1)) : 0;
            standardError[c] = Math.Sqrt(variance / n);
        }

        return new LikelihoodEstimate(counts, logLikelihood, standardError, -means[0] / n, means[1] / n, n);
    }

    /// <summary>Throws unless the data set has items and their shape is the model's.</summary>
    internal static void CheckData(VariationalAutoencoder model, IDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.ItemShape.SequenceEqual(model.InputShape))
        {
            throw new ArgumentException(
                $"The data set's items have shape {Shapes.Format(data.ItemShape)}; the model expects {Shapes.Format(model.InputShape)}.", nameof(data));
        }

        if (data.Count == 0)
        {
            throw new ArgumentException("The data set is empty.", nameof(data));
        }
    }

    /// <summary>Throws unless the counts are increasing and each at least 1.</summary>
    internal static void CheckSampleCounts(IReadOnlyList<int>? sampleCounts, string name)
    {
        ArgumentNullException.ThrowIfNull(sampleCounts, name);
        if (sampleCounts.Count == 0 || sampleCounts[0] < 1 || sampleCounts.Zip(sampleCounts.Skip(1)).Any(pair => pair.Second <= pair.First))
        {
            throw new ArgumentException($"{name} must be increasing counts, each at least 1; found [{string.Join(", ", sampleCounts)}].", name);
        }
    }

    /// <summary>
    /// Draws max(counts) samples in chunks that end at each count; returns the estimates at each count <c>[C, N]</c>
    /// and Σ_k log p(x|z_k) over all the samples <c>[N]</c>, both float64.
    /// </summary>
    private static (Tensor Estimates, Tensor ReconstructionSum) Stream(
        VariationalAutoencoder model, Tensor input, GaussianPosterior posterior, IReadOnlyList<int> counts, Generator? generator)
    {
        long items = Math.Max(1, input.size(0));
        long itemSize = Math.Max(1, Shapes.ElementCount(model.InputShape));
        int chunk = (int)Math.Clamp(ChunkElementBudget / (items * itemSize), 1, counts[^1]);
        Tensor estimates = empty([counts.Count, input.size(0)], dtype: ScalarType.Float64, device: input.device);
        Tensor? total = null;
        Tensor? reconstruction = null;
        int drawn = 0;
        for (int c = 0; c < counts.Count; c++)
        {
            while (drawn < counts[c])
            {
                // Each chunk's decoded values are freed with the chunk, so memory holds one chunk, not all of them.
                using var chunkScope = NewDisposeScope();
                int count = Math.Min(chunk, counts[c] - drawn);
                Tensor z = posterior.Sample(count, generator);
                Tensor logLikelihood = model.Likelihood.LogProb(input, model.Decode(z)).to_type(ScalarType.Float64);
                Tensor logWeights = logLikelihood
                    .add(model.Prior.LogDensity(z).to_type(ScalarType.Float64), Scalars.One)
                    .sub_(posterior.LogDensity(z).to_type(ScalarType.Float64));
                Tensor part = logWeights.logsumexp(0);
                total = (total is null ? part : logaddexp(total, part)).MoveToOuterDisposeScope();
                // 0L, not 0: a literal 0 converts to ScalarType, and sum(ScalarType) would add up every value.
                Tensor chunkReconstruction = logLikelihood.sum(0L);
                reconstruction = reconstruction is null ? chunkReconstruction.MoveToOuterDisposeScope() : reconstruction.add_(chunkReconstruction, Scalars.One);
                drawn += count;
            }

            using Scalar logCount = Math.Log(counts[c]).ToScalar();
            estimates.select(0, c).copy_(total!.sub(logCount));
        }

        return (estimates, reconstruction!);
    }
}
