using static TorchSharp.torch;

namespace VaeLib.Data;

/// <summary>A data set the trainer draws minibatches from: a count of items of one shape, gathered by index.</summary>
public interface IDataset
{
    /// <summary>Number of items.</summary>
    long Count { get; }

    /// <summary>Shape of one item, without the batch dimension.</summary>
    IReadOnlyList<long> ItemShape { get; }

    /// <summary>Gathers the items at the given indices as a float32 batch.</summary>
    /// <param name="indices">Int64 indices, shape <c>[B]</c>, each in [0, Count).</param>
    /// <returns>A new tensor <c>[B, *ItemShape]</c>; the caller owns it.</returns>
    Tensor GetBatch(Tensor indices);
}
