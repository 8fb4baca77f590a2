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
