using TorchSharp;
using VaeLib.Latent;
using static TorchSharp.torch;

namespace VaeLib.Tests.Latent;

public class GaussianPosteriorTests
{
    private static readonly double[,] Means = { { 0.5, -1.0, 0.2 }, { -0.3, 0.8, 1.5 } };
    private static readonly double[,] LogVariances = { { 0.1, -0.7, 0.4 }, { -1.2, 0.3, 0.0 } };

    [Fact]
    public void Kl_equals_the_closed_form_computed_by_hand()
    {
        using var scope = NewDisposeScope();
        var posterior = new GaussianPosterior(tensor(Means), tensor(LogVariances));

        double[] kl = posterior.KlToStandardNormal().data<double>().ToArray();

        for (int n = 0; n < 2; n++)
        {
            double expected = 0;
            for (int d = 0; d < 3; d++)
            {
                expected += -0.5 * (1 + LogVariances[n, d] - (Means[n, d] * Means[n, d]) - Math.Exp(LogVariances[n, d]));
            }

            kl[n].Should().BeApproximately(expected, 1e-12);
        }
    }

    [Fact]
    public void Kl_is_zero_when_the_posterior_is_the_prior()
    {
        using var scope = NewDisposeScope();
        var posterior = new GaussianPosterior(zeros(4, 5), zeros(4, 5));

        posterior.KlToStandardNormal().abs().max().item<float>().Should().Be(0);
    }

    [Fact]
    public void Analytic_kl_matches_a_monte_carlo_estimate_of_log_q_minus_log_p()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var posterior = new GaussianPosterior(tensor(Means), tensor(LogVariances));

        Tensor z = posterior.Sample(400_000, generator);
        double[] monteCarlo = (posterior.LogDensity(z) - new StandardNormalPrior(z.size(-1)).LogDensity(z)).mean([0]).data<double>().ToArray();
        double[] analytic = posterior.KlToStandardNormal().data<double>().ToArray();

        // The standard error of each estimate is below 0.003 nats here.
        monteCarlo[0].Should().BeApproximately(analytic[0], 0.015);
        monteCarlo[1].Should().BeApproximately(analytic[1], 0.015);
    }

    [Fact]
    public void Log_density_stays_finite_where_the_variance_underflows()
    {
        using var scope = NewDisposeScope();
        // log σ² = −200: σ² is 0 in float32, and a sample equals μ exactly in that dimension.
        Tensor logVariance = tensor(new float[] { -200, 0.5f }).reshape(1, 2).requires_grad_(true);
        var posterior = new GaussianPosterior(tensor(new float[] { 0.5f, -1 }).reshape(1, 2), logVariance);
        using var generator = new Generator(4);
        Tensor z = posterior.Sample(1, generator).detach();
        double offset = z[0, 0, 1].item<float>() + 1.0;

        Tensor density = posterior.LogDensity(z);
        density.sum().backward();

        z[0, 0, 0].item<float>().Should().Be(0.5f, "the test needs a sample at the mean");
        double expected = -0.5 * ((2 * Math.Log(2 * Math.PI)) - 200 + 0.5 + (offset * offset / Math.Exp(0.5)));
        density.item<float>().Should().BeApproximately((float)expected, 1e-4f);
        // ∂/∂ log σ² of −½(log σ² + ε²) is −½ where ε = 0, and −½(1 − ε²) elsewhere.
        float[] gradient = logVariance.grad!.data<float>().ToArray();
        gradient[0].Should().BeApproximately(-0.5f, 1e-6f);
        gradient[1].Should().BeApproximately((float)(-0.5 * (1 - (offset * offset / Math.Exp(0.5)))), 1e-5f);
        float away = posterior.LogDensity(tensor(new float[] { 0.75f, -1 }).reshape(1, 2)).item<float>();
        away.Should().Be(float.NegativeInfinity, "off the mean the density is 0 in float32, not undefined");
    }

    [Fact]
    public void Samples_have_the_requested_mean_and_variance()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var posterior = new GaussianPosterior(tensor(new[,] { { 1.0, -2.0 } }), tensor(new[,] { { Math.Log(4.0), Math.Log(0.25) } }));

        Tensor z = posterior.Sample(200_000, generator);

        z.shape.Should().Equal(200_000, 1, 2);
        double[] mean = z.mean([0]).data<double>().ToArray();
        double[] variance = z.var(0).data<double>().ToArray();
        mean[0].Should().BeApproximately(1.0, 0.02);
        mean[1].Should().BeApproximately(-2.0, 0.01);
        variance[0].Should().BeApproximately(4.0, 0.08);
        variance[1].Should().BeApproximately(0.25, 0.005);
    }

    [Fact]
    public void Gradients_flow_through_the_sample_to_mean_and_log_variance()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        Tensor mean = tensor(new[,] { { 0.3, -0.4, 1.1 } }).requires_grad_();
        Tensor logVariance = tensor(new[,] { { 0.2, -0.5, 0.7 } }).requires_grad_();
        var posterior = new GaussianPosterior(mean, logVariance);

        Tensor z = posterior.Sample(4, generator);
        z.sum().backward();

        // z = μ + exp(½ log σ²)·ε, so ∂Σz/∂μ = K and ∂Σz/∂log σ² = Σ_k ½ (z_k − μ).
        mean.grad!.data<double>().ToArray().Should().AllSatisfy(g => g.Should().BeApproximately(4.0, 1e-12));
        double[] expected;
        using (no_grad())
        {
            expected = ((z - mean) * 0.5).sum([0]).data<double>().ToArray();
        }

        logVariance.grad!.data<double>().ToArray().Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-12);
        expected.Should().Contain(value => Math.Abs(value) > 1e-3, "the check must not pass on zero gradients");
    }

    [Fact]
    public void Log_density_equals_the_normal_density_computed_by_hand()
    {
        using var scope = NewDisposeScope();
        var posterior = new GaussianPosterior(tensor(new[,] { { 0.5, -1.0 } }), tensor(new[,] { { 0.2, -0.3 } }));

        double value = posterior.LogDensity(tensor(new[,] { { 1.0, 0.0 } })).item<double>();

        double expected = Normal(1.0, 0.5, Math.Exp(0.2)) + Normal(0.0, -1.0, Math.Exp(-0.3));
        value.Should().BeApproximately(expected, 1e-12);
    }

    [Fact]
    public void The_same_generator_seed_gives_the_same_samples()
    {
        using var scope = NewDisposeScope();
        var posterior = new GaussianPosterior(zeros(2, 3), zeros(2, 3));
        using var first = new Generator(42);
        using var second = new Generator(42);

        posterior.Sample(2, first).allclose(posterior.Sample(2, second), rtol: 0, atol: 0).Should().BeTrue();
    }

    [Fact]
    public void Mismatched_heads_are_rejected()
    {
        using var scope = NewDisposeScope();
        Action create = () => _ = new GaussianPosterior(zeros(2, 3), zeros(2, 4));

        create.Should().Throw<ArgumentException>().WithMessage("*[2, 3]*[2, 4]*");
    }

    private static double Normal(double x, double mean, double variance) =>
        (-0.5 * Math.Log(2 * Math.PI * variance)) - ((x - mean) * (x - mean) / (2 * variance));
}
