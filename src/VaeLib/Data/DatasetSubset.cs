using static TorchSharp.torch;

namespace VaeLib.Data;

/// <summary>
/// A view of some items of another data set, by index, keeping their labels. <see cref="Split"/> makes a seeded
/// train/test split of a source that has no test split of its own (an image folder, a CSV file).
/// </summary>
public sealed class DatasetSubset : ILabeledDataset
{
    private readonly IDataset source;
    private readonly long[] indices;
    private readonly int[] labels;

    /// <summary>Creates the view.</summary>
    /// <param name="source">The data set; it stays owned by the caller.</param>
    /// <param name="indices">Indices into <paramref name="source"/>, each in [0, Count).</param>
    public DatasetSubset(IDataset source, IReadOnlyList<long> indices)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.Count == 0 || indices.Any(index => index < 0 || index >= source.Count))
        {
            throw new ArgumentException($"A subset needs at least one index, each in [0, {source.Count}).", nameof(indices));
        }

        this.source = source;
        this.indices = indices.ToArray();
        var labelled = source as ILabeledDataset;
        labels = labelled is { Labels.Count: > 0 } ? this.indices.Select(index => labelled.Labels[(int)index]).ToArray() : [];
        LabelNames = labelled?.LabelNames ?? [];
    }

    /// <inheritdoc />
    public long Count => indices.Length;

    /// <inheritdoc />
    public IReadOnlyList<long> ItemShape => source.ItemShape;

    /// <inheritdoc />
    public IReadOnlyList<int> Labels => labels;

    /// <inheritdoc />
    public IReadOnlyList<string> LabelNames { get; }

    /// <summary>Splits a data set into a training and a test part by a seeded random permutation.</summary>
    /// <param name="source">The data set (at least two items).</param>
    /// <param name="testFraction">Fraction of items held out, in (0, 1); at least one item goes to each part.</param>
    /// <param name="seed">Seed of the permutation: the same seed gives the same split.</param>
    /// <returns>The training and the test views.</returns>
    public static (DatasetSubset Train, DatasetSubset Test) Split(IDataset source, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be between 0 and 1.");
        }

        if (source.Count < 2)
        {
            throw new ArgumentException($"Splitting needs at least two items; the data set has {source.Count}.", nameof(source));
        }

        long[] order = Enumerable.Range(0, (int)source.Count).Select(index => (long)index).ToArray();
        new Random(seed).Shuffle(order);
        long testCount = Math.Clamp((long)Math.Round(source.Count * testFraction), 1, source.Count - 1);
        return (new DatasetSubset(source, order[(int)testCount..]), new DatasetSubset(source, order[..(int)testCount]));
    }

    /// <summary>The items of a labelled data set whose label passes a test, e.g. every class but one.</summary>
    /// <param name="source">A data set with labels; it stays owned by the caller.</param>
    /// <param name="keepLabel">Whether to keep items with this label (an index into <see cref="ILabeledDataset.LabelNames"/>).</param>
    /// <returns>The view, in the source's order.</returns>
    /// <exception cref="ArgumentException">The data set has no labels, or no item passes the test.</exception>
    public static DatasetSubset WhereLabel(ILabeledDataset source, Func<int, bool> keepLabel)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(keepLabel);
        if (source.Labels.Count != source.Count)
        {
            throw new ArgumentException($"The data set has {source.Labels.Count} labels for {source.Count} items; selecting by label needs one label per item.", nameof(source));
        }

        long[] kept = Enumerable.Range(0, source.Labels.Count).Where(i => keepLabel(source.Labels[i])).Select(i => (long)i).ToArray();
        if (kept.Length == 0)
        {
            throw new ArgumentException($"No item of the {source.Count} has a label that passes the test; the labels are {string.Join(", ", source.LabelNames)}.", nameof(keepLabel));
        }

        return new DatasetSubset(source, kept);
    }

    /// <inheritdoc />
    public Tensor GetBatch(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        // Map the batch's indices on the host: only the batch's B indices are read and written, never the whole map.
        using var scope = NewDisposeScope();
        Tensor positions = indices.cpu().to_type(ScalarType.Int64).contiguous();
        long[] mapped = new long[positions.size(0)];
        using (var accessor = positions.data<long>())
        {
            long index = 0;
            foreach (long position in accessor)
            {
                mapped[index++] = this.indices[position];
            }
        }

        return source.GetBatch(tensor(mapped)).MoveToOuterDisposeScope();
    }
}
