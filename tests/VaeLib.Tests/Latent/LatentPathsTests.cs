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
}
