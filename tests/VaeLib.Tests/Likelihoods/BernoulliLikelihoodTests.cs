using VaeLib.Likelihoods;
using static TorchSharp.torch;

namespace VaeLib.Tests.Likelihoods;

public class BernoulliLikelihoodTests
{
    private readonly BernoulliLikelihood likelihood = new();

    [Fact]
    public void Log_prob_equals_the_sum_computed_by_hand()
    {
        using var scope = NewDisposeScope();
        double[,] x = { { 1, 0, 1 }, { 0, 0.5, 1 } };
        double[,] logits = { { 2, -1, 0 }, { 3, 0.5, -4 } };

        double[] logProb = likelihood.LogProb(tensor(x), tensor(logits)).data<double>().ToArray();

        for (int n = 0; n < 2; n++)
        {
            double expected = 0;
            for (int j = 0; j < 3; j++)
            {
                double p = 1 / (1 + Math.Exp(-logits[n, j]));
                expected += (x[n, j] * Math.Log(p)) + ((1 - x[n, j]) * Math.Log(1 - p));
            }

            logProb[n].Should().BeApproximately(expected, 1e-12);
        }
    }

    [Fact]
    public void Log_prob_stays_finite_and_exact_for_extreme_logits()
    {
        using var scope = NewDisposeScope();
        Tensor x = tensor(new float[] { 1, 0, 1, 0 }).reshape(1, 4);
        Tensor logits = tensor(new float[] { 200, -200, -200, 200 }).reshape(1, 4);

        // Two certain hits contribute 0; two certain misses contribute −200 each.
        float value = likelihood.LogProb(x, logits).item<float>();

        value.Should().BeApproximately(-400f, 1e-3f);
    }

    [Fact]
    public void Several_samples_of_parameters_broadcast_over_the_data()
    {
        using var scope = NewDisposeScope();
        Tensor x = rand(3, 2, 4);
        Tensor logits = randn(5, 3, 2, 4);

        Tensor batched = likelihood.LogProb(x, logits);

        batched.shape.Should().Equal(5, 3);
        for (int k = 0; k < 5; k++)
        {
            batched[k].allclose(likelihood.LogProb(x, logits[k]), rtol: 1e-5, atol: 1e-5).Should().BeTrue();
        }
    }

    [Fact]
    public void Mean_is_the_sigmoid_of_the_logits()
    {
        using var scope = NewDisposeScope();

        likelihood.Mean(tensor(new float[] { 0f, 2f })).data<float>().ToArray()
            .Should().Equal(new[] { 0.5f, (float)(1 / (1 + Math.Exp(-2))) }, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Perfect_fit_takes_rank_one_data_as_items_of_one_element_as_log_prob_does()
    {
        using var scope = NewDisposeScope();
        Tensor x = tensor(new double[] { 0, 0.25, 1 });

        double[] perfect = likelihood.PerfectFitLogProb(x).data<double>().ToArray();
        double[] atTheirOwnLogits = likelihood.LogProb(tensor(new double[] { 0.25 }), tensor(new double[] { Math.Log(0.25 / 0.75) })).data<double>().ToArray();

        perfect.Should().HaveCount(3);
        perfect[0].Should().Be(0);
        perfect[1].Should().BeApproximately((0.25 * Math.Log(0.25)) + (0.75 * Math.Log(0.75)), 1e-12);
        perfect[2].Should().Be(0);
        atTheirOwnLogits[0].Should().BeApproximately(perfect[1], 1e-12, "the perfect fit is the log-likelihood at sigmoid(ℓ) = x");
        FluentActions.Invoking(() => likelihood.PerfectFitLogProb(tensor(0.5))).Should().Throw<ArgumentException>().WithMessage("*scalar*");
    }

    [Fact]
    public void Samples_are_ones_with_the_probability_of_the_logits()
    {
        using var scope = NewDisposeScope();
        double[] probabilities = [0.1, 0.7, 0.95];
        Tensor logits = tensor(probabilities.Select(p => (float)Math.Log(p / (1 - p))).ToArray()).expand(200_000, 3);
        using var generator = new Generator(6);

        Tensor draws = likelihood.Sample(logits, generator);

        draws.eq(0).logical_or(draws.eq(1)).all().item<bool>().Should().BeTrue();
        float[] means = draws.mean([0]).data<float>().ToArray();
        for (int j = 0; j < 3; j++)
        {
            // Standard error √(p(1 − p)/200 000) ≤ 0.0011; a draw of 1 − p would be 0.1 or more away.
            means[j].Should().BeApproximately((float)probabilities[j], 0.006f, $"element {j}");
        }
    }

    [Fact]
    public void Mismatched_shapes_name_both_shapes()
    {
        using var scope = NewDisposeScope();
        Action call = () => likelihood.LogProb(zeros(2, 4), zeros(2, 5));

        call.Should().Throw<ArgumentException>().WithMessage("*[2, 5]*[2, 4]*");
    }
}
