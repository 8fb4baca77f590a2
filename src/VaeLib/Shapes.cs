using static TorchSharp.torch;

namespace VaeLib;

/// <summary>Small shape utilities shared by the modules and the data sets.</summary>
internal static class Shapes
{
    /// <summary>
    /// A tensor's shape, read one dimension at a time. TorchSharp's <c>Tensor.shape</c> passes a fresh delegate to
    /// native code on every call, and the native thunk made for it is freed only by the .NET finalizer (32 bytes a
    /// call, measured): in a training loop that fragments the C heap like any other finalizer-freed native memory.
    /// </summary>
    public static long[] Of(Tensor tensor)
    {
        long[] shape = new long[tensor.dim()];
        for (int i = 0; i < shape.Length; i++)
        {
            shape[i] = tensor.size(i);
        }

        return shape;
    }

    /// <summary>Formats a shape the way error messages show it, e.g. <c>[1, 28, 28]</c>.</summary>
    public static string Format(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>The number of elements in one item of the given shape.</summary>
    public static long ElementCount(IEnumerable<long> shape) => shape.Aggregate(1L, (product, size) => product * size);

    /// <summary>Throws when a shape is empty or has a non-positive size.</summary>
    public static long[] Validate(IEnumerable<long>? shape, string name)
    {
        ArgumentNullException.ThrowIfNull(shape, name);
        long[] copy = shape.ToArray();
        if (copy.Length == 0 || copy.Any(size => size <= 0))
        {
            throw new ArgumentException($"{name} must be a non-empty shape of positive sizes; found {Format(copy)}.", name);
        }

        return copy;
    }
}
