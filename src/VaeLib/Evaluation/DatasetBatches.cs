using VaeLib.Data;
using static TorchSharp.torch;

namespace VaeLib.Evaluation;

/// <summary>The measurements' walk over a whole data set: consecutive batches, and the model held in evaluation mode.</summary>
internal static class DatasetBatches
{
    /// <summary>
    /// Yields the batches [start, start + size) of a data set in order, as gathered; each is disposed when the next
    /// is asked for, so a caller keeps nothing of it without a copy.
    /// </summary>
    public static IEnumerable<Tensor> Of(IDataset data, int batchSize)
    {
        // One index tensor narrowed per batch: arange(start, stop) would leave its Scalars for the finalizer.
        using Tensor indices = arange(data.Count, dtype: ScalarType.Int64);
        for (long start = 0; start < data.Count; start += batchSize)
        {
            using Tensor batchIndices = indices.narrow(0, start, Math.Min(batchSize, data.Count - start));
            using Tensor batch = data.GetBatch(batchIndices);
            yield return batch;
        }
    }

    /// <summary>The mean over a data set's items of ‖x − reconstruct(x)‖², summed over each item's values, in double precision.</summary>
    public static double MeanSquaredError(IDataset data, int batchSize, Func<Tensor, Tensor> reconstruct)
    {
        double total = 0;
        foreach (Tensor batch in Of(data, batchSize))
        {
            using var scope = NewDisposeScope();
            total += reconstruct(batch).cpu().sub(batch).to_type(ScalarType.Float64).pow(Runtime.Scalars.Two).sum().item<double>();
        }

        return total / data.Count;
    }

    /// <summary>Puts a model in evaluation mode with gradients off until the result is disposed, then restores its mode.</summary>
    public static IDisposable EvaluationMode(VariationalAutoencoder model) => new ModelMode(model);

    private sealed class ModelMode : IDisposable
    {
        private readonly VariationalAutoencoder model;
        private readonly bool wasTraining;
        private readonly IDisposable noGrad = no_grad();

        public ModelMode(VariationalAutoencoder model)
        {
            this.model = model;
            wasTraining = model.training;
            model.eval();
        }

        public void Dispose()
        {
            model.train(wasTraining);
            noGrad.Dispose();
        }
    }
}
