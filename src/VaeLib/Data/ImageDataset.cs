using VaeLib.Runtime;
using static TorchSharp.torch;

namespace VaeLib.Data;

/// <summary>
/// Labelled images held in memory as bytes (uint8 <c>[N, C, H, W]</c>: 60 000 images of 28×28 take 47 MB) and
/// converted per batch to float32 intensities in [0, 1], then binarized as <see cref="Binarization"/> says.
/// </summary>
/// <remarks>
/// <see cref="WithBinarization"/> returns another view of the same bytes; each view holds its own handle on them
/// and must be disposed, and disposing one leaves the others usable.
/// </remarks>
public sealed class ImageDataset : ILabeledDataset, IDisposable
{
    private readonly Tensor images;
    private readonly int[] labels;
    private readonly string[] labelNames;
    private readonly Generator? generator;

    /// <summary>Wraps images and their labels; the data set keeps its own handle on the tensor.</summary>
    /// <param name="images">Uint8 tensor <c>[N, C, H, W]</c> with N &gt; 0.</param>
    /// <param name="labels">One label per image, each an index into <paramref name="labelNames"/>.</param>
    /// <param name="labelNames">The name of each label value.</param>
    public ImageDataset(Tensor images, IReadOnlyList<int> labels, IReadOnlyList<string> labelNames)
        : this(Check(images, labels, labelNames), labels.ToArray(), labelNames.ToArray(), Binarization.None, 0)
    {
    }

    private ImageDataset(Tensor images, int[] labels, string[] labelNames, Binarization binarization, ulong seed)
    {
        // An alias is a second handle on the same storage, so views share the bytes but are disposed separately.
        this.images = images.alias().DetachFromDisposeScope();
        this.labels = labels;
        this.labelNames = labelNames;
        Binarization = binarization;
        Seed = seed;
        ItemShape = Shapes.Of(images)[1..];
        Count = images.size(0);
        if (binarization == Binarization.Dynamic)
        {
            generator = new Generator(seed);
        }
    }

    /// <inheritdoc />
    public long Count { get; }

    /// <inheritdoc />
    public IReadOnlyList<long> ItemShape { get; }

    /// <inheritdoc />
    public IReadOnlyList<int> Labels => labels;

    /// <inheritdoc />
    public IReadOnlyList<string> LabelNames => labelNames;

    /// <summary>How batches are binarized. <see cref="Binarization.None"/> unless made by <see cref="WithBinarization"/>.</summary>
    public Binarization Binarization { get; }

    /// <summary>Seed of the generator behind <see cref="Binarization.Dynamic"/> draws (0 for the other settings).</summary>
    public ulong Seed { get; }

    /// <summary>Returns a view of the same bytes and labels that binarizes its batches as asked.</summary>
    /// <param name="binarization">How to binarize.</param>
    /// <param name="seed">Seed of the view's own generator for <see cref="Binarization.Dynamic"/>; ignored otherwise.</param>
    /// <returns>A new data set that shares the image bytes; dispose it as well as this one.</returns>
    public ImageDataset WithBinarization(Binarization binarization, ulong seed = 1)
    {
        OptionChecks.Defined(binarization, nameof(binarization), "binarization");
        ObjectDisposedException.ThrowIf(images.IsInvalid, this);
        return new ImageDataset(images, labels, labelNames, binarization, binarization == Binarization.Dynamic ? seed : 0);
    }

    /// <summary>Copies the items at the given indices into a new data set with the same labels and binarization.</summary>
    /// <param name="indices">Int64 indices, shape <c>[M]</c>, each in [0, Count).</param>
    /// <returns>A new data set that owns its bytes (a fresh generator with <see cref="Seed"/> if dynamic).</returns>
    public ImageDataset Subset(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        using var scope = NewDisposeScope();
        Tensor selected = images.index_select(0, indices);
        int[] subsetLabels = indices.to_type(ScalarType.Int64).data<long>().Select(i => labels[i]).ToArray();
        return new ImageDataset(selected, subsetLabels, labelNames, Binarization, Seed);
    }

    /// <inheritdoc />
    public Tensor GetBatch(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);

        // Select the bytes first so only one batch is ever held as floats.
        using Tensor bytes = images.index_select(0, indices);
        Tensor intensities = bytes.to_type(ScalarType.Float32).div_(Scalars.ByteMax);
        switch (Binarization)
        {
            case Binarization.Static:
                using (intensities)
                using (Tensor above = intensities.gt(Scalars.HalfSingle))
                {
                    return above.to_type(ScalarType.Float32);
                }

            case Binarization.Dynamic:
                using (intensities)
                {
                    return intensities.bernoulli(generator);
                }

            default:
                return intensities;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        images.Dispose();
        generator?.Dispose();
    }

    private static Tensor Check(Tensor images, IReadOnlyList<int> labels, IReadOnlyList<string> labelNames)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(labelNames);
        long[] shape = Shapes.Of(images);
        if (images.dtype != ScalarType.Byte || shape.Length != 4 || shape.Any(size => size == 0))
        {
            throw new ArgumentException($"Images must be a uint8 tensor [N, C, H, W] of positive sizes; found {images.dtype} {Shapes.Format(shape)}.", nameof(images));
        }

        if (labels.Count != shape[0])
        {
            throw new ArgumentException($"There are {shape[0]} images but {labels.Count} labels.", nameof(labels));
        }

        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] < 0 || labels[i] >= labelNames.Count)
            {
                throw new ArgumentException($"Label {labels[i]} of item {i} is not an index into the {labelNames.Count} label names.", nameof(labels));
            }
        }

        return images;
    }
}
