using VaeLib.Runtime;
using static TorchSharp.torch;

namespace VaeLib.Data;

/// <summary>A data set held in one tensor whose first dimension indexes the items (float32, or uint8 scaled by 1/255).</summary>
public sealed class TensorDataset : IDataset, IDisposable
{
    private readonly Tensor items;
    private readonly bool scaleBytes;

    /// <summary>Wraps a tensor of items; the data set keeps its own reference and disposes it.</summary>
    /// <param name="items">Shape <c>[N, *S]</c>; float32, or uint8 (converted per batch to value/255).</param>
    public TensorDataset(Tensor items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.dim() < 2 || items.size(0) == 0)
        {
            throw new ArgumentException($"A data set tensor must have shape [N, *S] with N > 0; found {Shapes.Format(Shapes.Of(items))}.", nameof(items));
        }

        if (items.dtype != ScalarType.Float32 && items.dtype != ScalarType.Byte)
        {
            throw new ArgumentException($"A data set tensor must be float32 or uint8; found {items.dtype}.", nameof(items));
        }

        this.items = items.alias().DetachFromDisposeScope();
        scaleBytes = items.dtype == ScalarType.Byte;
        ItemShape = Shapes.Of(items)[1..];
        Count = items.size(0);
    }

    /// <inheritdoc />
    public long Count { get; }

    /// <inheritdoc />
    public IReadOnlyList<long> ItemShape { get; }

    /// <inheritdoc />
    public Tensor GetBatch(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        Tensor batch = items.index_select(0, indices);
        return scaleBytes ? batch.to_type(ScalarType.Float32).div_(Scalars.ByteMax) : batch;
    }

    /// <inheritdoc />
    public void Dispose() => items.Dispose();
}
