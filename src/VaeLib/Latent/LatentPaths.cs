using static TorchSharp.torch;

namespace VaeLib.Latent;

/// <summary>Paths through the latent space: interpolations between two codes and traversals of single dimensions.</summary>
public static class LatentPaths
{
    /// <summary>Points on the straight line from a to b: z_t = (1 − t)·a + t·b for t = 0, 1/(n−1), …, 1.</summary>
    /// <param name="from">a, shape <c>[D]</c>.</param>
    /// <param name="to">b, shape <c>[D]</c>.</param>
    /// <param name="steps">n ≥ 2 points, the ends included.</param>
    /// <returns>Codes <c>[n, D]</c>.</returns>
    public static Tensor Linear(Tensor from, Tensor to, int steps)
    {
        Tensor t = Fractions(from, to, steps);
        return (from.unsqueeze(0) * (1 - t)) + (to.unsqueeze(0) * t);
    }

    /// <summary>
    /// Points on the great-circle path (slerp): z_t = sin((1 − t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b, with Ω the angle
    /// between a and b. Under a Gaussian prior it keeps the codes' norms typical, where the straight line passes near
    /// the origin. Falls back to the straight line when a and b are (anti)parallel.
    /// </summary>
    /// <param name="from">a, shape <c>[D]</c>.</param>
    /// <param name="to">b, shape <c>[D]</c>.</param>
    /// <param name="steps">n ≥ 2 points, the ends included.</param>
    /// <returns>Codes <c>[n, D]</c>.</returns>
    public static Tensor Spherical(Tensor from, Tensor to, int steps)
    {
        Tensor t = Fractions(from, to, steps);
        double cosine = (from.dot(to) / (from.norm() * to.norm()).clamp_min(1e-12)).item<float>();
        double omega = Math.Acos(Math.Clamp(cosine, -1, 1));
        if (Math.Sin(omega) < 1e-6)
        {
            return Linear(from, to, steps);
        }

        Tensor a = (t.neg() + 1).mul(omega).sin() / Math.Sin(omega);
        Tensor b = t.mul(omega).sin() / Math.Sin(omega);
        return (from.unsqueeze(0) * a) + (to.unsqueeze(0) * b);
    }

    /// <summary>
    /// Varies one dimension at a time across [−range, range] while holding the others at the base code.
    /// </summary>
    /// <param name="origin">The base code, shape <c>[D]</c>.</param>
    /// <param name="dimensions">Which dimensions to vary, in order.</param>
    /// <param name="range">Half-width of the sweep (in prior standard deviations).</param>
    /// <param name="steps">Values per dimension, ≥ 2.</param>
    /// <returns>Codes <c>[dimensions × steps, D]</c>, one dimension's sweep after another.</returns>
    public static Tensor Traverse(Tensor origin, IReadOnlyList<int> dimensions, double range, int steps)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(dimensions);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        if (!(range > 0) || !double.IsFinite(range))
        {
            throw new ArgumentOutOfRangeException(nameof(range), range, "The traversal range must be positive and finite.");
        }

        long size = Shapes.Of(origin)[^1];
        if (origin.dim() != 1 || dimensions.Any(d => d < 0 || d >= size))
        {
            throw new ArgumentException($"Expected a code [D] and dimensions in [0, D); found {Shapes.Format(Shapes.Of(origin))} and [{string.Join(", ", dimensions)}].", nameof(dimensions));
        }

        Tensor values = linspace(-range, range, steps, dtype: origin.dtype, device: origin.device);
        Tensor codes = origin.unsqueeze(0).repeat(dimensions.Count * steps, 1);
        for (int i = 0; i < dimensions.Count; i++)
        {
            codes[TensorIndex.Slice(i * steps, (i + 1) * steps), dimensions[i]] = values;
        }

        return codes;
    }

    private static Tensor Fractions(Tensor from, Tensor to, int steps)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        if (from.dim() != 1 || !Shapes.Of(from).SequenceEqual(Shapes.Of(to)))
        {
            throw new ArgumentException($"Expected two codes of shape [D]; found {Shapes.Format(Shapes.Of(from))} and {Shapes.Format(Shapes.Of(to))}.", nameof(to));
        }

        return linspace(0, 1, steps, dtype: from.dtype, device: from.device).unsqueeze(1);
    }
}
