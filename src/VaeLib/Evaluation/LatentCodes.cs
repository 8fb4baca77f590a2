using System.Globalization;
using System.Text;
using VaeLib.Data;
using VaeLib.Latent;
using VaeLib.Storage;
using static TorchSharp.torch;

namespace VaeLib.Evaluation;

/// <summary>
/// A data set's representation: the posterior q(z|x) = N(μ, diag σ²) of every item, on the CPU. μ is the feature
/// vector a downstream model (a <see cref="LinearProbe"/>, a clustering, a plot) uses; σ says how sure the encoder is.
/// </summary>
public sealed class LatentCodes : IDisposable
{
    private LatentCodes(Tensor mean, Tensor logVariance)
    {
        Mean = mean;
        LogVariance = logVariance;
    }

    /// <summary>μ, shape <c>[N, D]</c>, float32 on the CPU.</summary>
    public Tensor Mean { get; }

    /// <summary>log σ², shape <c>[N, D]</c>, float32 on the CPU.</summary>
    public Tensor LogVariance { get; }

    /// <summary>Number of items N.</summary>
    public long Count => Mean.size(0);

    /// <summary>Dimension of z, D.</summary>
    public long LatentSize => Mean.size(1);

    /// <summary>Encodes every item of a data set in batches, without gradients and in evaluation mode.</summary>
    /// <param name="model">The model; its mode is restored afterwards.</param>
    /// <param name="data">Items of the model's input shape.</param>
    /// <param name="batchSize">Items encoded at once.</param>
    /// <returns>The codes, in the data set's order; the caller disposes them.</returns>
    /// <exception cref="ArgumentException">The items' shape differs from the model's, or the data set is empty.</exception>
    public static LatentCodes Encode(VariationalAutoencoder model, IDataset data, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(model);
        MarginalLikelihood.CheckData(model, data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        using IDisposable mode = DatasetBatches.EvaluationMode(model);
        using var scope = NewDisposeScope();
        var means = new List<Tensor>();
        var logVariances = new List<Tensor>();
        foreach (Tensor batch in DatasetBatches.Of(data, batchSize))
        {
            GaussianPosterior posterior = model.Encode(batch.to(model.Device));
            means.Add(posterior.Mean.cpu());
            logVariances.Add(posterior.LogVariance.cpu());
        }

        return new LatentCodes(cat(means, 0).DetachFromDisposeScope(), cat(logVariances, 0).DetachFromDisposeScope());
    }

    /// <summary>σ = exp(½ log σ²), shape <c>[N, D]</c>.</summary>
    /// <returns>A new tensor; the caller owns it.</returns>
    public Tensor StandardDeviation() => new GaussianPosterior(Mean, LogVariance).StandardDeviation;

    /// <summary>
    /// Writes the codes as CSV, one row per item in order: <c>index</c>, <c>label</c> (when labels are given),
    /// <c>mu_1 … mu_D</c>, <c>sigma_1 … sigma_D</c>, with invariant-culture numbers that read back exactly. The file
    /// is replaced atomically.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <param name="labels">One label per item, or null for none; a label with a comma, quote or line break is quoted.</param>
    /// <exception cref="ArgumentException">The number of labels differs from the number of items.</exception>
    public void SaveCsv(string path, IReadOnlyList<string>? labels = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (labels is not null && labels.Count != Count)
        {
            throw new ArgumentException($"Expected one label per item ({Count}); found {labels.Count}.", nameof(labels));
        }

        float[] mean = Mean.contiguous().data<float>().ToArray();
        float[] sigma;
        using (Tensor deviation = StandardDeviation())
        {
            sigma = deviation.contiguous().data<float>().ToArray();
        }

        int size = (int)LatentSize;
        AtomicFile.Write(path, temporary =>
        {
            using var writer = new StreamWriter(temporary, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            IEnumerable<string> header = labels is null ? ["index"] : ["index", "label"];
            header = header.Concat(Enumerable.Range(1, size).Select(d => $"mu_{d}")).Concat(Enumerable.Range(1, size).Select(d => $"sigma_{d}"));
            writer.WriteLine(string.Join(',', header));
            var line = new StringBuilder();
            for (int item = 0; item < Count; item++)
            {
                line.Clear().Append(item.ToString(CultureInfo.InvariantCulture));
                if (labels is not null)
                {
                    line.Append(',').Append(Quote(labels[item]));
                }

                foreach (float[] values in new[] { mean, sigma })
                {
                    for (int d = 0; d < size; d++)
                    {
                        line.Append(',').Append(values[(item * size) + d].ToString("R", CultureInfo.InvariantCulture));
                    }
                }

                writer.WriteLine(line);
            }
        });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Mean.Dispose();
        LogVariance.Dispose();
    }

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
