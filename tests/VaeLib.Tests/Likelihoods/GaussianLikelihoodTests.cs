using VaeLib.Likelihoods;
using static TorchSharp.torch;

namespace VaeLib.Tests.Likelihoods;

public class GaussianLikelihoodTests
{
    [Fact]
    public void Log_prob_is_the_normalised_gaussian_log_density()
    {
        using var scope = NewDisposeScope();
        var likelihood = new GaussianLikelihood(variance: 0.5);
        double[,] x = { { 0.2, -1.0, 3.0 } };
        double[,] mean = { { 0.0, -0.5, 2.0 } };

        double value = likelihood.LogProb(tensor(x), tensor(mean)).item<double>();

        double expected = 0;
        for (int j = 0; j < 3; j++)
        {
            expected += (-0.5 * Math.Log(2 * Math.PI * 0.5)) - ((x[0, j] - mean[0, j]) * (x[0, j] - mean[0, j]) / (2 * 0.5));
        }

        value.Should().BeApproximately(expected, 1e-12);
    }

    [Fact]
    public void Image_shaped_data_is_summed_over_all_data_dimensions()
    {
        using var scope = NewDisposeScope();
        var likelihood = new GaussianLikelihood(variance: 2.0);
        Tensor x = ones(1, 1, 2, 2);

        // Four elements, each (1 − 0)² / (2·2) = 0.25 below the constant −½ log(2π·2).
        double value = likelihood.LogProb(x, zeros(1, 1, 2, 2)).item<float>();

        value.Should().BeApproximately(4 * ((-0.5 * Math.Log(4 * Math.PI)) - 0.25), 1e-5);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_variance_that_is_not_positive_and_finite_is_rejected(double variance)
    {
        Action create = () => _ = new GaussianLikelihood(variance);

        create.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("variance");
    }

    [Fact]
    public void Sample_adds_noise_of_the_likelihoods_variance_and_the_perfect_fit_is_the_normalising_constant()
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var likelihood = new GaussianLikelihood(0.25);
        using var generator = new TorchSharp.torch.Generator(3);
        var means = TorchSharp.torch.full(new long[] { 20000, 3 }, 2f);

        var draws = likelihood.Sample(means, generator);

        draws.mean().item<float>().Should().BeApproximately(2f, 0.01f);
        draws.var().item<float>().Should().BeApproximately(0.25f, 0.01f);
        likelihood.PerfectFitLogProb(TorchSharp.torch.rand(2, 3)).data<double>().ToArray().Should().AllSatisfy(v => v.Should().BeApproximately(-1.5 * Math.Log(2 * Math.PI * 0.25), 1e-9));
    }
}
