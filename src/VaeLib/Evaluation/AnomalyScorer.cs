using VaeLib.Data;
using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Evaluation;

/// <summary>
/// Scores items by how poorly a trained model explains them: a bound on −log p(x) per item (see
/// <see cref="AnomalyScoreKind"/>), so higher means more anomalous. Rank the scores, or measure how well they separate
/// a known anomalous class with <see cref="RocAuc"/>.
/// </summary>
/// <param name="model">A trained model; it is switched to evaluation mode while scoring and restored afterwards.</param>
/// <param name="options">The score, samples, batch size and seed; null for the defaults.</param>
public sealed class AnomalyScorer(VariationalAutoencoder model, AnomalyScorerOptions? options = null)
{
    private readonly VariationalAutoencoder model = model ?? throw new ArgumentNullException(nameof(model));

    /// <summary>The settings.</summary>
    public AnomalyScorerOptions Options { get; } = options ?? new AnomalyScorerOptions();

    /// <summary>
    /// Scores every item of a data set, in batches, without gradients, with z drawn from a generator seeded afresh
    /// with <see cref="AnomalyScorerOptions.Seed"/>: the same model and data give the same scores.
    /// </summary>
    /// <param name="data">Items of the model's input shape, with finite values.</param>
    /// <returns>One score per item, in nats, in the data set's order.</returns>
    /// <exception cref="ArgumentException">The items' shape differs from the model's, or an item holds NaN or infinity (its index is named).</exception>
    public double[] Score(IDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.ItemShape.SequenceEqual(model.InputShape))
        {
            throw new ArgumentException(
                $"The data set's items have shape {Shapes.Format(data.ItemShape)}; the model expects {Shapes.Format(model.InputShape)}.", nameof(data));
        }

        var scores = new double[data.Count];
        using IDisposable mode = DatasetBatches.EvaluationMode(model);
        using var generator = new Generator(Options.Seed);
        long start = 0;
        foreach (Tensor gathered in DatasetBatches.Of(data, Options.BatchSize))
        {
            using var scope = NewDisposeScope();
            Tensor batch = gathered.to(model.Device);
            try
            {
                model.CheckInput(batch);
            }
            catch (ArgumentException exception)
            {
                throw new ArgumentException($"Batch starting at item {start}: {exception.Message}", nameof(data), exception);
            }

            ScoreBatch(batch, generator).cpu().data<double>().CopyTo(scores, (int)start);
            start += batch.size(0);
        }

        return scores;
    }

    /// <summary>Scores one batch without gradients (the model's mode is left as it is).</summary>
    /// <param name="input">Batch <c>[N, *InputShape]</c> on the model's device.</param>
    /// <param name="generator">Random generator for z; null uses TorchSharp's default one.</param>
    /// <returns>Float64 scores <c>[N]</c> on the model's device.</returns>
    public Tensor ScoreBatch(Tensor input, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var noGrad = no_grad();
        Tensor score = Options.Kind == AnomalyScoreKind.NegativeImportanceWeighted
            ? MarginalLikelihood.ImportanceWeighted(model, input, Options.SampleCount, generator).neg_()
            : new ElboLoss().Evaluate(model, input, Options.SampleCount, generator).Loss.to_type(ScalarType.Float64);
        return Options.RelativeToPerfectFit ? score.add_(model.Likelihood.PerfectFitLogProb(input).to_type(ScalarType.Float64)) : score;
    }
}
