using static TorchSharp.torch;

namespace VaeLib.Imputation;

/// <summary>Observation masks for trying out imputation: true where an entry is observed, false where it is missing.</summary>
public static class ImputationMasks
{
    /// <summary>Hides the bottom half of the rows of an image.</summary>
    /// <param name="imageShape">[C, H, W].</param>
    /// <returns>Bool mask <c>[C, H, W]</c>.</returns>
    public static Tensor BottomHalf(IReadOnlyList<long> imageShape)
    {
        long[] shape = OptionChecks.ImageShape(imageShape, nameof(imageShape), "a mask");
        Tensor rows = arange(shape[1]).lt(shape[1] / 2).reshape(1, shape[1], 1);
        return rows.expand(shape).clone();
    }

    /// <summary>Hides the right half of the columns of an image.</summary>
    /// <param name="imageShape">[C, H, W].</param>
    /// <returns>Bool mask <c>[C, H, W]</c>.</returns>
    public static Tensor RightHalf(IReadOnlyList<long> imageShape)
    {
        long[] shape = OptionChecks.ImageShape(imageShape, nameof(imageShape), "a mask");
        Tensor columns = arange(shape[2]).lt(shape[2] / 2).reshape(1, 1, shape[2]);
        return columns.expand(shape).clone();
    }

    /// <summary>Hides a centred square whose side is half the image's smaller side.</summary>
    /// <param name="imageShape">[C, H, W].</param>
    /// <returns>Bool mask <c>[C, H, W]</c>.</returns>
    public static Tensor Center(IReadOnlyList<long> imageShape)
    {
        long[] shape = OptionChecks.ImageShape(imageShape, nameof(imageShape), "a mask");
        long side = Math.Max(1, Math.Min(shape[1], shape[2]) / 2);
        long top = (shape[1] - side) / 2;
        long left = (shape[2] - side) / 2;
        Tensor mask = ones(shape, dtype: ScalarType.Bool);
        mask[.., TensorIndex.Slice(top, top + side), TensorIndex.Slice(left, left + side)] = tensor(false);
        return mask;
    }

    /// <summary>Hides each entry independently with a given probability.</summary>
    /// <param name="shape">The mask's shape, e.g. <c>[N, *S]</c>.</param>
    /// <param name="missingFraction">Probability that an entry is missing, in [0, 1).</param>
    /// <param name="generator">Seeded random generator, or null for the default one.</param>
    /// <returns>Bool mask of the given shape.</returns>
    public static Tensor Random(IReadOnlyList<long> shape, double missingFraction, Generator? generator = null)
    {
        long[] size = Shapes.Validate(shape, nameof(shape));
        if (!(missingFraction >= 0 && missingFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(missingFraction), missingFraction, "The missing fraction must be in [0, 1).");
        }

        return rand(size, generator: generator).ge(missingFraction);
    }
}
