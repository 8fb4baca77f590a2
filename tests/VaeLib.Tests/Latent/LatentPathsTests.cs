using VaeLib.Latent;
using static TorchSharp.torch;

namespace VaeLib.Tests.Latent;

public class LatentPathsTests
{
    [Fact]
    public void Linear_path_starts_and_ends_at_the_codes_and_is_evenly_spaced()
    {
        using var scope = NewDisposeScope();
        Tensor a = tensor(new float[] { 0, 2 });
        Tensor b = tensor(new float[] { 4, -2 });

        float[] path = LatentPaths.Linear(a, b, 5).data<float>().ToArray();

        path.Should().Equal(0, 2, 1, 1, 2, 0, 3, -1, 4, -2);
    }

    [Fact]
    public void Spherical_path_keeps_the_norm_between_codes_of_equal_norm()
    {
        using var scope = NewDisposeScope();
        Tensor a = tensor(new float[] { 3, 0 });
        Tensor b = tensor(new float[] { 0, 3 });

        Tensor path = LatentPaths.Spherical(a, b, 7);

        path[0].allclose(a, atol: 1e-5).Should().BeTrue();
        path[6].allclose(b, atol: 1e-5).Should().BeTrue();
        path.norm(1).data<float>().ToArray().Should().AllSatisfy(norm => norm.Should().BeApproximately(3f, 1e-4f));
        LatentPaths.Linear(a, b, 7)[3].norm().item<float>().Should().BeLessThan(2.2f, "the straight line cuts inside");
    }

    [Fact]
    public void Spherical_path_of_unequal_non_orthogonal_codes_follows_the_great_circle_with_a_linear_norm()
    {
        using var scope = NewDisposeScope();
        // 73° apart, of norms √14 and √5.25: an unnormalized cosine, or the classic formula's norms, would show.
        Tensor a = tensor(new float[] { 3, 1, -2 });
        Tensor b = tensor(new float[] { -0.5f, 2, -1 });

        Tensor path = LatentPaths.Spherical(a, b, 9);

        ExpectPath(path, Values(a), Values(b), 9, tolerance: 2e-6);
    }

    [Fact]
    public void Spherical_path_of_nearly_antiparallel_codes_turns_through_their_plane_instead_of_the_origin()
    {
        using var scope = NewDisposeScope();
        // b = −1.5·a plus 1e−3 across it: 6e−4 rad from antiparallel, where float32's cosine rounds to about −1.
        float[] first = [2, 1, -1];
        float[] second = [-3 + 1e-3f, -1.5f - 2e-3f, 1.5f];
        Tensor a = tensor(first);
        Tensor b = tensor(second);

        Tensor path = LatentPaths.Spherical(a, b, 11);

        ExpectPath(path, Values(a), Values(b), 11, tolerance: 1e-5);
        path[5].norm().item<float>().Should().BeApproximately((float)(1.25 * Math.Sqrt(6)), 1e-4f, "the middle keeps the mean of the ends' norms, far from 0");
    }

    [Fact]
    public void Spherical_path_of_exactly_antiparallel_codes_keeps_the_norm_through_a_fixed_perpendicular()
    {
        using var scope = NewDisposeScope();
        Tensor a = tensor(new float[] { 1, 2, 2 }); // norm 3
        Tensor b = tensor(new float[] { -2, -4, -4 }); // norm 6

        Tensor path = LatentPaths.Spherical(a, b, 5);

        float[] norms = path.norm(1).data<float>().ToArray();
        norms.Should().Equal(new[] { 3f, 3.75f, 4.5f, 5.25f, 6f }, (actual, expected) => Math.Abs(actual - expected) < 1e-5);
        path[0].allclose(a, atol: 1e-6).Should().BeTrue();
        path[4].allclose(b, atol: 1e-6).Should().BeTrue();
        path[2].dot(a).item<float>().Should().BeApproximately(0f, 1e-5f, "halfway the code is perpendicular to both ends");
        LatentPaths.Spherical(a, b, 5).allclose(path, rtol: 0, atol: 0).Should().BeTrue("the perpendicular is chosen the same way every time");
    }

    [Fact]
    public void Spherical_path_of_parallel_codes_is_the_straight_line_and_keeps_the_dtype()
    {
        using var scope = NewDisposeScope();
        Tensor a = tensor(new double[] { 1, -2 });
        Tensor b = tensor(new double[] { 3, -6 });

        Tensor path = LatentPaths.Spherical(a, b, 3);

        path.dtype.Should().Be(ScalarType.Float64);
        path.allclose(LatentPaths.Linear(a, b, 3), rtol: 0, atol: 1e-12).Should().BeTrue();
    }

    [Fact]
    public void Traverse_varies_one_dimension_per_block()
    {
        using var scope = NewDisposeScope();
        Tensor origin = tensor(new float[] { 0.5f, -1f, 2f });

        Tensor codes = LatentPaths.Traverse(origin, [2, 0], range: 1, steps: 3);

        codes.shape.Should().Equal(6, 3);
        codes.data<float>().ToArray().Should().Equal(
            0.5f, -1f, -1f,
            0.5f, -1f, 0f,
            0.5f, -1f, 1f,
            -1f, -1f, 2f,
            0f, -1f, 2f,
            1f, -1f, 2f);
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        using var scope = NewDisposeScope();

        FluentActions.Invoking(() => LatentPaths.Linear(zeros(2), zeros(3), 4)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => LatentPaths.Linear(zeros(2), zeros(2), 1)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => LatentPaths.Traverse(zeros(2), [2], 1, 3)).Should().Throw<ArgumentException>().WithMessage("*[2]*");
    }
    private static double[] Values(Tensor code) => code.data<float>().ToArray().Select(value => (double)value).ToArray();

    /// <summary>
    /// z_t = ((1 − t)‖a‖ + t‖b‖)·(sin((1 − t)Ω) â + sin(tΩ) b̂)/sin Ω with Ω = acos(â·b̂), written out here in double
    /// precision for ends that are neither parallel nor antiparallel.
    /// </summary>
    private static void ExpectPath(Tensor path, double[] a, double[] b, int steps, double tolerance)
    {
        double normA = Math.Sqrt(a.Sum(v => v * v));
        double normB = Math.Sqrt(b.Sum(v => v * v));
        double omega = Math.Acos(a.Zip(b, (x, y) => x * y).Sum() / (normA * normB));
        float[] actual = path.data<float>().ToArray();
        path.shape.Should().Equal(steps, a.Length);
        for (int i = 0; i < steps; i++)
        {
            double t = i / (double)(steps - 1);
            double radius = ((1 - t) * normA) + (t * normB);
            for (int d = 0; d < a.Length; d++)
            {
                double expected = radius * ((Math.Sin((1 - t) * omega) * a[d] / normA) + (Math.Sin(t * omega) * b[d] / normB)) / Math.Sin(omega);
                actual[(i * a.Length) + d].Should().BeApproximately((float)expected, (float)(tolerance * Math.Max(1, Math.Abs(expected))), $"point {i}, dimension {d}");
            }
        }
    }
}
