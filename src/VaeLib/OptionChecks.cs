namespace VaeLib;

/// <summary>Checks shared by the option records; each throws with the option's name as the parameter name.</summary>
internal static class OptionChecks
{
    /// <summary>A positive integer.</summary>
    public static int Positive(int value, string name, string what) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{what} must be positive.");

    /// <summary>Zero (meaning none) or a positive integer.</summary>
    public static int ZeroOrPositive(int value, string name, string what) =>
        value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{what} must be 0 (none) or positive.");

    /// <summary>A finite number ≥ 0 (NaN is refused).</summary>
    public static double FiniteNonNegative(double value, string name, string what) =>
        value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"{what} must be finite and non-negative.");

    /// <summary>A list of positive sizes; empty is allowed only when <paramref name="allowEmpty"/> is true.</summary>
    public static int[] PositiveSizes(IReadOnlyList<int>? value, string name, bool allowEmpty)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if ((!allowEmpty && value.Count == 0) || value.Any(size => size <= 0))
        {
            string kind = allowEmpty ? "positive" : "a non-empty list of positive sizes";
            throw new ArgumentException($"{name} must be {kind}; found [{string.Join(", ", value)}].", name);
        }

        return value.ToArray();
    }

    /// <summary>A named value of the enum (a number cast to it, or read from JSON, may name none).</summary>
    public static T Defined<T>(T value, string name, string what)
        where T : struct, Enum =>
        Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"Unknown {what}: {value}.");

    /// <summary>An image shape <c>[C, H, W]</c> of positive sizes.</summary>
    public static long[] ImageShape(IReadOnlyList<long>? value, string name, string owner)
    {
        long[] shape = Shapes.Validate(value, name);
        if (shape.Length != 3)
        {
            throw new ArgumentException($"{name} of {owner} must be [C, H, W]; found {Shapes.Format(shape)}.", name);
        }

        return shape;
    }
}
