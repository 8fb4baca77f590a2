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
    /// Points on the great-circle path (slerp) with the norm interpolated linearly:
    /// z_t = ((1 − t)‖a‖ + t‖b‖) · (sin((1 − t)Ω) â + sin(tΩ) b̂) / sin Ω, with â = a/‖a‖, b̂ = b/‖b‖ and Ω the angle
    /// between them. The direction moves at constant speed along the great circle and ‖z_t‖ moves linearly from ‖a‖
    /// to ‖b‖, so under a Gaussian prior the codes keep the ends' typical norms, where the straight line passes near
    /// the origin. For codes of equal norm this is the classic slerp, sin((1 − t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b.
    /// </summary>
    /// <remarks>
    /// Computed in float64, with Ω = 2·atan2(‖â − b̂‖, ‖â + b̂‖), which stays accurate near 0 and π where acos of the
    /// cosine does not, and the direction written as cos(tΩ) â + sin(tΩ) u with u the unit part of b̂ orthogonal to â
    /// (the same point, without dividing by sin Ω). Parallel codes give the straight line between them. Exactly
    /// antiparallel codes span no plane: the path turns through a fixed perpendicular direction (the axis on which â
    /// is smallest, made orthogonal to â), so it still keeps the norm; in one dimension, where there is none, it is the
    /// straight line. A zero code has no direction and also gives the straight line.
    /// </remarks>
    /// <param name="from">a, shape <c>[D]</c>.</param>
    /// <param name="to">b, shape <c>[D]</c>.</param>
    /// <param name="steps">n ≥ 2 points, the ends included.</param>
    /// <returns>Codes <c>[n, D]</c>, of the dtype and on the device of <paramref name="from"/>.</returns>
    public static Tensor Spherical(Tensor from, Tensor to, int steps)
    {
        CheckEnds(from, to, steps);
        double[] a = Values(from);
        double[] b = Values(to);
        int size = a.Length;
        double normA = Norm(a);
        double normB = Norm(b);
        if (!(normA > 0) || !(normB > 0) || !double.IsFinite(normA) || !double.IsFinite(normB))
        {
            return Linear(from, to, steps);
        }

        double[] unitA = a.Select(value => value / normA).ToArray();
        double[] unitB = b.Select(value => value / normB).ToArray();
        double omega = 2 * Math.Atan2(
            Norm(unitA.Zip(unitB, (x, y) => x - y).ToArray()),
            Norm(unitA.Zip(unitB, (x, y) => x + y).ToArray()));
        double[]? across = Perpendicular(unitA, unitB);
        if (across is null)
        {
            return Linear(from, to, steps);
        }

        var path = new double[steps * size];
        for (int i = 0; i < steps; i++)
        {
            double t = i / (double)(steps - 1);
            double radius = ((1 - t) * normA) + (t * normB);
            double along = Math.Cos(t * omega);
            double turn = Math.Sin(t * omega);
            for (int d = 0; d < size; d++)
            {
                path[(i * size) + d] = radius * ((along * unitA[d]) + (turn * across[d]));
            }
        }

        using var scope = NewDisposeScope();
        return tensor(path, [steps, size], ScalarType.Float64).to(from.dtype, from.device).MoveToOuterDisposeScope();
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
        CheckEnds(from, to, steps);
        return linspace(0, 1, steps, dtype: from.dtype, device: from.device).unsqueeze(1);
    }

    private static void CheckEnds(Tensor from, Tensor to, int steps)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        if (from.dim() != 1 || !Shapes.Of(from).SequenceEqual(Shapes.Of(to)))
        {
            throw new ArgumentException($"Expected two codes of shape [D]; found {Shapes.Format(Shapes.Of(from))} and {Shapes.Format(Shapes.Of(to))}.", nameof(to));
        }
    }

    private static double[] Values(Tensor code)
    {
        using var scope = NewDisposeScope();
        return code.detach().to(ScalarType.Float64, CPU).contiguous().data<double>().ToArray();
    }

    /// <summary>
    /// The unit vector in the plane of â and b̂ orthogonal to â, on b̂'s side; for antiparallel ends (no plane), the
    /// axis on which â is smallest made orthogonal to â; null when there is no perpendicular direction (D = 1) or
    /// the ends are parallel.
    /// </summary>
    private static double[]? Perpendicular(double[] unitA, double[] unitB)
    {
        double cosine = unitA.Zip(unitB, (x, y) => x * y).Sum();
        double[] part = unitB.Select((y, d) => y - (cosine * unitA[d])).ToArray();
        double length = Norm(part);
        // Rounding leaves about 1e-16 of b̂ along any direction; a part below 1e-12 carries no direction of its own.
        if (length > 1e-12)
        {
            return part.Select(value => value / length).ToArray();
        }

        if (cosine > 0 || unitA.Length == 1)
        {
            return null;
        }

        int axis = Array.IndexOf(unitA, unitA.MinBy(Math.Abs));
        double[] basis = unitA.Select((x, d) => (d == axis ? 1.0 : 0.0) - (unitA[axis] * x)).ToArray();
        double basisLength = Norm(basis);
        return basis.Select(value => value / basisLength).ToArray();
    }

    private static double Norm(double[] values) => Math.Sqrt(values.Sum(value => value * value));
}
