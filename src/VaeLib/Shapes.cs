namespace VaeLib;

/// <summary>Small shape utilities shared by the modules and the data sets.</summary>
internal static class Shapes
{
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
