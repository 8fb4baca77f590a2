using VaeLib.Data;
using VaeLib.Evaluation;
using static TorchSharp.torch;

namespace VaeLib.Tests.Evaluation;

public class PrincipalComponentModelTests
{
    [Fact]
    public void Data_of_rank_k_are_reconstructed_exactly_with_k_components()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(1);
        Tensor rows = randn([400, 2], generator: generator).matmul(randn([2, 6], generator: generator)) + 5;

        using var pca = PrincipalComponentModel.Fit(rows, 2);

        pca.Components.matmul(pca.Components.t()).allclose(eye(2), atol: 1e-5).Should().BeTrue("the components are orthonormal");
        pca.Reconstruct(rows).allclose(rows, atol: 1e-3).Should().BeTrue();
        pca.Eigenvalues.Skip(2).Should().OnlyContain(value => value < 1e-6);
    }

    [Fact]
    public void Eigenvalues_are_those_of_the_covariance_divided_by_n()
    {
        using var scope = NewDisposeScope();
        // Four points (±2, 0), (0, ±1), turned by 30° and moved to (10, −3): Σ = (1/4) Σ_n x_n x_nᵀ has eigenvalues
        // 8/4 = 2 and 2/4 = ½ (with 1/(N − 1) they would be 8/3 and 2/3).
        double angle = Math.PI / 6;
        double[] u = [Math.Cos(angle), Math.Sin(angle)];
        double[] w = [-Math.Sin(angle), Math.Cos(angle)];
        (double Along, double Across)[] points = [(2, 0), (-2, 0), (0, 1), (0, -1)];
        float[] values = points.SelectMany(p => new[] { (float)(10 + (p.Along * u[0]) + (p.Across * w[0])), (float)(-3 + (p.Along * u[1]) + (p.Across * w[1])) }).ToArray();

        using var pca = PrincipalComponentModel.Fit(tensor(values).reshape(4, 2), 1);

        pca.Eigenvalues.Should().Equal(new[] { 2.0, 0.5 }, (actual, expected) => Math.Abs(actual - expected) < 1e-5);
        pca.DiscardedVariance.Should().BeApproximately(0.5, 1e-5);
        pca.Components.data<float>().ToArray().Should().Equal(new[] { (float)u[0], (float)u[1] }, (a, e) => Math.Abs(a - e) < 1e-5);
    }

    [Fact]
    public void The_error_on_the_fitted_data_is_the_sum_of_the_discarded_eigenvalues()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(2);
        Tensor items = (randn([1000, 1, 2, 3], generator: generator) * tensor(new float[] { 3, 2, 1.5f, 1, 0.5f, 0.2f }).reshape(1, 1, 2, 3)) + 1;
        using var data = new TensorDataset(items);

        using var pca = PrincipalComponentModel.Fit(data, 2, batchSize: 300);

        pca.Eigenvalues.Should().BeInDescendingOrder();
        pca.ReconstructionError(data, batchSize: 128).Should().BeApproximately(pca.DiscardedVariance, 1e-3 * pca.DiscardedVariance);
        pca.Reconstruct(items[..5]).shape.Should().Equal(5, 1, 2, 3);
        pca.Transform(data, batchSize: 300).shape.Should().Equal(1000, 2);
    }

    [Fact]
    public void The_same_data_in_another_order_give_the_same_components()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        Tensor rows = randn([300, 4], generator: generator) * tensor(new float[] { 4, 2, 1, 0.5f });

        using var forward = PrincipalComponentModel.Fit(rows, 3);
        using var backward = PrincipalComponentModel.Fit(rows.flip(0), 3);

        forward.Components.allclose(backward.Components, atol: 1e-4).Should().BeTrue("each component's sign is fixed");
    }
}
