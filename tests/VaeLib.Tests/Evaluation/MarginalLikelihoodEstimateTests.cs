using TorchSharp;
using VaeLib.Data;
using VaeLib.Evaluation;
using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Tests.Evaluation;

[Collection(GlobalRandomStateCollection.Name)]
public class MarginalLikelihoodEstimateTests
{
    [Fact]
    public void The_elbo_parts_match_the_loss_and_the_estimates_rise_with_k_from_the_elbo_to_the_exact_log_p_x()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var model = LinearGaussianVae.Create(); // random linear encoder: a large gap between the ELBO and log p(x)
        using var generator = new Generator(11);
        using var data = new TensorDataset(LinearGaussianVae.SampleData(300, generator));
        Tensor all = data.GetBatch(arange(300L));
        double exact = LinearGaussianVae.ExactLogLikelihood(all).Average();
        ElboTerms reference;
        using (no_grad())
        {
            reference = new ElboLoss().Evaluate(model, all, 2000, generator).Mean();
        }

        LikelihoodEstimate estimate = MarginalLikelihood.Estimate(
            model, data, new MarginalLikelihoodOptions { SampleCounts = [1, 10, 100, 5000], BatchSize = 64 });

        estimate.Count.Should().Be(300);
        estimate.Kl.Should().BeApproximately(reference.Kl.item<float>(), 1e-4, "the KL is in closed form");
        estimate.Reconstruction.Should().BeApproximately(reference.Reconstruction.item<float>(), 0.05, "both average many samples of −log p(x|z)");
        estimate.NegativeElbo.Should().BeApproximately(estimate.Reconstruction + estimate.Kl, 1e-12);
        estimate.LogLikelihood.Should().BeInAscendingOrder("the bound tightens with K");
        estimate.LogLikelihood[0].Should().BeApproximately(-estimate.NegativeElbo, 4 * estimate.StandardError[0], "K = 1 estimates the ELBO");
        estimate.BestLogLikelihood.Should().BeGreaterThan(-estimate.NegativeElbo + 0.5);
        estimate.BestLogLikelihood.Should().BeLessThan(exact + 0.02, "a lower bound in expectation");
        (exact - estimate.BestLogLikelihood).Should().BeLessThan(0.25 * (exact + estimate.NegativeElbo), "5000 samples close most of the gap");
        estimate.StandardError.Should().OnlyContain(error => error > 0 && error < 1);
    }

    [Fact]
    public void With_the_exact_posterior_every_sample_count_gives_log_p_x()
    {
        using var scope = NewDisposeScope();
        using var model = LinearGaussianVae.CreateWithExactPosterior();
        using var generator = new Generator(5);
        using var data = new TensorDataset(LinearGaussianVae.SampleData(100, generator));
        double exact = LinearGaussianVae.ExactLogLikelihood(data.GetBatch(arange(100L))).Average();

        LikelihoodEstimate estimate = MarginalLikelihood.Estimate(model, data, new MarginalLikelihoodOptions { SampleCounts = [1, 3], BatchSize = 30 });

        estimate.LogLikelihood.Should().AllSatisfy(value => value.Should().BeApproximately(exact, 2e-4));
    }

    [Fact]
    public void Each_count_uses_the_first_samples_of_one_stream_drawn_in_bounded_chunks()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var model = VariationalAutoencoder.CreateMlp([1, 64, 64], latentSize: 3, hiddenSizes: [16]);
        Tensor input = rand(2, 1, 64, 64);
        using var first = new Generator(8);
        using var second = new Generator(8);

        Tensor nested = MarginalLikelihood.ImportanceWeighted(model, input, [1, 10, 3000], first);

        // The chunk budget (2^22 values) holds 512 samples of these 2 items × 4096 pixels; chunks also end at each
        // count, so the stream is drawn as 1, 9, 5 × 512 and 430 samples. (The tolerance allows for float32 decoding of
        // batches of other sizes; another sample would differ by nats.)
        using (no_grad())
        {
            var posterior = model.Encode(input);
            Tensor z = cat(new[] { 1, 9, 512, 512, 512, 512, 512, 430 }.Select(count => posterior.Sample(count, second)).ToList(), 0);
            Tensor logWeights = model.Likelihood.LogProb(input, model.Decode(z)).to_type(ScalarType.Float64)
                + new VaeLib.Latent.StandardNormalPrior(z.size(-1)).LogDensity(z).to_type(ScalarType.Float64)
                - posterior.LogDensity(z).to_type(ScalarType.Float64);
            nested.shape.Should().Equal(3, 2);
            int row = 0;
            foreach (int k in new[] { 1, 10, 3000 })
            {
                Tensor direct = logWeights[..k].logsumexp(0) - Math.Log(k);
                nested[row++].allclose(direct, rtol: 1e-6, atol: 1e-3).Should().BeTrue($"K = {k} uses the stream's first {k} samples");
            }
        }
    }

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 0, 10 })]
    [InlineData(new[] { 10, 10 })]
    [InlineData(new[] { 100, 10 })]
    public void Sample_counts_must_increase_from_one(int[] counts)
    {
        FluentActions.Invoking(() => new MarginalLikelihoodOptions { SampleCounts = counts })
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be(nameof(MarginalLikelihoodOptions.SampleCounts));
    }

    [Fact]
    public void Data_of_another_shape_is_rejected_naming_both_shapes()
    {
        using var model = VariationalAutoencoder.CreateMlp([4], latentSize: 2, hiddenSizes: [8]);
        using var data = new TensorDataset(rand(3, 5));

        FluentActions.Invoking(() => MarginalLikelihood.Estimate(model, data))
            .Should().Throw<ArgumentException>().WithMessage("*[5]*[4]*");
    }

    [Fact]
    public void The_model_is_evaluated_in_evaluation_mode_and_its_mode_restored()
    {
        using var model = VariationalAutoencoder.CreateMlp([4], latentSize: 2, hiddenSizes: [8]);
        using var data = new TensorDataset(rand(3, 4));
        model.train();

        MarginalLikelihood.Estimate(model, data, new MarginalLikelihoodOptions { SampleCounts = [2] });

        model.training.Should().BeTrue();
    }
}
