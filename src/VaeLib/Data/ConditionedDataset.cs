using static TorchSharp.torch;

namespace VaeLib.Data;

/// <summary>
/// Pairs a data set's items with condition vectors: one-hot labels (<see cref="FromLabels"/>) or any float vectors.
/// The conditions are held in memory as a float32 tensor <c>[N, C]</c>; the items stay in the wrapped data set.
/// </summary>
public sealed class ConditionedDataset : IConditionedDataset, ILabeledDataset, IDisposable
{
    private readonly Tensor conditions;
    private readonly IReadOnlyList<int> labels;
    private readonly IReadOnlyList<string> labelNames;

    /// <summary>Pairs items with condition vectors.</summary>
    /// <param name="items">The items.</param>
    /// <param name="conditions">One finite row per item, <c>[items.Count, C]</c>; copied.</param>
    /// <exception cref="ArgumentException">The conditions' shape does not match, or a value is NaN or infinite.</exception>
    public ConditionedDataset(IDataset items, Tensor conditions)
        : this(items, conditions, [], [])
    {
    }

    private ConditionedDataset(IDataset items, Tensor conditions, IReadOnlyList<int> labels, IReadOnlyList<string> labelNames)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(conditions);
        if (conditions.dim() != 2 || conditions.size(0) != items.Count || conditions.size(1) < 1)
        {
            throw new ArgumentException(
                $"Expected one condition row per item, [{items.Count}, C] with C ≥ 1; found {Shapes.Format(Shapes.Of(conditions))}.",
                nameof(conditions));
        }

        using (var scope = NewDisposeScope())
        {
            Tensor bad = conditions.isfinite().logical_not().any(1);
            if (bad.any().item<bool>())
            {
                long row = bad.nonzero()[0, 0].item<long>();
                throw new ArgumentException($"The condition of item {row} holds NaN or infinite values.", nameof(conditions));
            }
        }

        Items = items;
        this.conditions = conditions.detach().to_type(ScalarType.Float32).cpu().clone().DetachFromDisposeScope();
        ConditionSize = (int)conditions.size(1);
        this.labels = labels;
        this.labelNames = labelNames;
    }

    /// <summary>The wrapped items.</summary>
    public IDataset Items { get; }

    /// <inheritdoc />
    public int ConditionSize { get; }

    /// <inheritdoc />
    public long Count => Items.Count;

    /// <inheritdoc />
    public IReadOnlyList<long> ItemShape => Items.ItemShape;

    /// <summary>The items' labels when the conditions were made from labels; empty otherwise.</summary>
    public IReadOnlyList<int> Labels => labels;

    /// <summary>The label names (one per condition entry) when the conditions were made from labels; empty otherwise.</summary>
    public IReadOnlyList<string> LabelNames => labelNames;

    /// <summary>Conditions each item on its label, one-hot over <see cref="ILabeledDataset.LabelNames"/>.</summary>
    /// <param name="items">Labelled items.</param>
    /// <returns>A data set with C = the number of label names.</returns>
    /// <exception cref="ArgumentException">The data set has no labels.</exception>
    public static ConditionedDataset FromLabels(ILabeledDataset items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.LabelNames.Count == 0 || items.Labels.Count != items.Count)
        {
            throw new ArgumentException("Conditioning on labels needs a labelled data set (one label per item); this one has none.", nameof(items));
        }

        using var scope = NewDisposeScope();
        Tensor oneHot = OneHot(items.Labels.ToArray(), items.LabelNames.Count);
        return new ConditionedDataset(items, oneHot, items.Labels, items.LabelNames);
    }

    /// <summary>One-hot rows for label indices.</summary>
    /// <param name="labels">Label indices, each in [0, classes).</param>
    /// <param name="classes">Number of classes.</param>
    /// <returns>A float32 tensor <c>[labels.Length, classes]</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, classes).</exception>
    public static Tensor OneHot(IReadOnlyList<int> labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] < 0 || labels[i] >= classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"Label {labels[i]} of item {i} is not in [0, {classes}).");
            }
        }

        using var scope = NewDisposeScope();
        Tensor indices = tensor(labels.Select(label => (long)label).ToArray(), ScalarType.Int64);
        return nn.functional.one_hot(indices, classes).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor GetBatch(Tensor indices) => Items.GetBatch(indices);

    /// <inheritdoc />
    public Tensor GetConditions(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return conditions.index_select(0, indices.device.type == TorchSharp.DeviceType.CPU ? indices : indices.cpu());
    }

    /// <summary>Frees the conditions (not the wrapped items, which the caller owns).</summary>
    public void Dispose() => conditions.Dispose();
}
