using static TorchSharp.torch;

namespace VaeLib.Data;

/// <summary>Summary statistics of a data set, computed in batches so memory stays flat.</summary>
public static class DatasetStatistics
{
    /// <summary>The mean item: each entry's average over the data set (e.g. the per-pixel mean, a baseline for imputation).</summary>
    /// <param name="data">The data set.</param>
    /// <param name="batchSize">Items read at once.</param>
    /// <returns>Float32 tensor <c>[*ItemShape]</c> on the CPU; the caller owns it.</returns>
    public static Tensor Mean(IDataset data, int batchSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(data.Count, nameof(data));
        using var scope = NewDisposeScope();
        Tensor sum = zeros([.. data.ItemShape], dtype: ScalarType.Float64);
        for (long start = 0; start < data.Count; start += batchSize)
        {
            using var batchScope = NewDisposeScope();
            long length = Math.Min(batchSize, data.Count - start);
            sum.add_(data.GetBatch(arange(start, start + length, dtype: ScalarType.Int64)).cpu().to_type(ScalarType.Float64).sum([0]));
        }

        return sum.div_(data.Count).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
