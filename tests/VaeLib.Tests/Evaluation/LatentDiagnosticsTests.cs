using VaeLib.Data;
using VaeLib.Evaluation;
using static TorchSharp.torch;

namespace VaeLib.Tests.Evaluation;

public class LatentDiagnosticsTests
{
    [Fact]
    public void Dimensions_whose_mean_ignores_the_input_are_inactive_and_carry_no_kl()
    {
        using var scope = NewDisposeScope();
        using var model = VariationalAutoencoder.CreateMlp([6], latentSize: 4, hiddenSizes: [16]);
        CollapseDimensions(model, [1, 3]); // q(z_d|x) = N(0, 1) for d = 1 and 3, whatever x is
        using var data = new TensorDataset(randn(500, 6) * 3);
        using LatentCodes codes = LatentCodes.Encode(model, data);

        LatentDiagnostics diagnostics = LatentDiagnostics.Of(codes);

        diagnostics.KlPerDimension[1].Should().BeApproximately(0, 1e-9);
        diagnostics.KlPerDimension[3].Should().BeApproximately(0, 1e-9);
        diagnostics.KlPerDimension[0].Should().BePositive();
        diagnostics.Activity[1].Should().Be(0);
        diagnostics.Activity[0].Should().BeGreaterThan(LatentDiagnostics.DefaultThreshold);
        diagnostics.ActiveUnits.Should().Be(2);
        diagnostics.PosteriorCollapse.Should().BeFalse("half the dimensions are in use");
    }

    [Fact]
    public void Activity_is_the_variance_of_mu_over_items_and_kl_the_mean_closed_form()
    {
        using var scope = NewDisposeScope();
        using var model = VariationalAutoencoder.CreateMlp([3], latentSize: 2, hiddenSizes: [4]);
        using var data = new TensorDataset(randn(50, 3));
        using LatentCodes codes = LatentCodes.Encode(model, data);

        LatentDiagnostics diagnostics = LatentDiagnostics.Of(codes, threshold: 0.5);

        double[] mu = codes.Mean[.., 0].to_type(ScalarType.Float64).data<double>().ToArray();
        double[] logVariance = codes.LogVariance[.., 0].to_type(ScalarType.Float64).data<double>().ToArray();
        double variance = mu.Select(m => (m - mu.Average()) * (m - mu.Average())).Average();
        double kl = mu.Zip(logVariance, (m, v) => -0.5 * (1 + v - (m * m) - Math.Exp(v))).Average();
        diagnostics.Activity[0].Should().BeApproximately(variance, 1e-6);
        diagnostics.KlPerDimension[0].Should().BeApproximately(kl, 1e-5);
        diagnostics.Threshold.Should().Be(0.5);
    }

    [Fact]
    public void Collapse_is_reported_when_fewer_than_a_quarter_of_the_dimensions_are_active()
    {
        new LatentDiagnostics(new double[8], [0.5, 0, 0, 0, 0, 0, 0, 0], 0.01).PosteriorCollapse.Should().BeTrue();
        new LatentDiagnostics(new double[8], [0.5, 0.5, 0, 0, 0, 0, 0, 0], 0.01).PosteriorCollapse.Should().BeFalse();
        new LatentDiagnostics(new double[2], [0, 0], 0.01).PosteriorCollapse.Should().BeTrue();
        new LatentDiagnostics(new double[2], [0, 0.02], 0.01).PosteriorCollapse.Should().BeFalse();
    }

    private static void CollapseDimensions(VariationalAutoencoder model, int[] dimensions)
    {
        using var noGrad = no_grad();
        foreach (var (_, parameter) in model.Latent.named_parameters())
        {
            foreach (int d in dimensions)
            {
                parameter[d].zero_();
            }
        }
    }
}
