using VaeLib.Visualization;
using static TorchSharp.torch;

namespace VaeLib.Explorer;

/// <summary>
/// A batch of items as plain numbers, in display units (pixel intensities, or a table's own units): what the explorer
/// hands out, with no tensor to dispose, so that encoding a picture happens outside the model's lock.
/// </summary>
/// <param name="ItemShape">Shape of one item, e.g. <c>[1, 28, 28]</c> or <c>[columns]</c>.</param>
/// <param name="Count">Number of items.</param>
/// <param name="Values">The values, row-major <c>[Count, *ItemShape]</c>.</param>
public sealed record ItemValues(IReadOnlyList<long> ItemShape, int Count, float[] Values)
{
    /// <summary>True for images <c>[C, H, W]</c>, false for table rows <c>[columns]</c>.</summary>
    public bool IsImage => ItemShape.Count == 3;

    /// <summary>The values of one item.</summary>
    /// <param name="item">0 ≤ item &lt; <see cref="Count"/>.</param>
    /// <returns>A copy of its <c>ItemShape</c> values, row-major.</returns>
    public float[] Item(int item)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(item);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(item, Count);
        int size = Values.Length / Math.Max(Count, 1);
        return Values.AsSpan(item * size, size).ToArray();
    }

    /// <summary>Every item's values, one array per item (the JSON form of a table).</summary>
    /// <returns>Count arrays.</returns>
    public float[][] Items() => Enumerable.Range(0, Count).Select(Item).ToArray();

    /// <summary>Encodes the images as one PNG, row by row (see <see cref="ImageGrid.EncodePng"/>).</summary>
    /// <param name="columns">Images per row.</param>
    /// <param name="scale">Screen pixels per image pixel.</param>
    /// <param name="padding">Pixels between images.</param>
    /// <returns>The PNG file's bytes.</returns>
    /// <exception cref="InvalidOperationException">The items are table rows, not images.</exception>
    public byte[] ToPng(int columns, int scale = 1, int padding = 0)
    {
        if (!IsImage)
        {
            throw new InvalidOperationException($"Items of shape {Shapes.Format(ItemShape)} are table rows, not images; show their values instead.");
        }

        using var scope = NewDisposeScope();
        return ImageGrid.EncodePng(tensor(Values, [Count, .. ItemShape]), columns, scale, padding);
    }
}
