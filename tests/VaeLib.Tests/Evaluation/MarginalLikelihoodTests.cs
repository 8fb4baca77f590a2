using TorchSharp;
using VaeLib.Evaluation;
using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Tests.Evaluation;

[Collection(GlobalRandomStateCollection.Name)]
public class MarginalLikelihoodTests
{
    [Fact]
    public void With_the_exact_posterior_every_importance_weight_is_p_of_x_so_one_sample_gives_log_p_x_exactly()
    {
        using var scope = NewDisposeScope();
        using var model = LinearGaussianVae.CreateWithExactPosterior();
        using var generator = new Generator(5);
        Tensor data = LinearGaussianVae.SampleData(200, generator);
        double[] exact = LinearGaussianVae.ExactLogLikelihood(data);

        double[] estimate = MarginalLikelihood.ImportanceWeighted(model, data, 1, generator).data<double>().ToArray();

        // p(x, z) / q(z|x) = p(x) for every z when q is the posterior: no Monte Carlo error at all.
        estimate.Zip(exact, (e, p) => Math.Abs(e - p)).Max().Should().BeLessThan(2e-4);
    }

    [Fact]
    public void With_a_poor_encoder_the_estimate_is_above_the_elbo_rises_with_k_and_approaches_log_p_x()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var model = LinearGaussianVae.Create(); // random linear encoder: q(z|x) is far from p(z|x)
        using var generator = new Generator(11);
        Tensor data = LinearGaussianVae.SampleData(300, generator);
        double exact = LinearGaussianVae.ExactLogLikelihood(data).Average();
        double elbo;
        using (no_grad())
        {
            elbo = new ElboLoss().Evaluate(model, data, 1000, generator).Elbo.mean().item<float>();
        }

        // Each mean over 300 items is repeated so that the small-K estimates are not left to one draw's noise.
        double[] byK = new[] { 1, 10, 100, 5000 }
            .Select(k => Enumerable.Range(0, k < 100 ? 40 : 1)
                .Average(_ => MarginalLikelihood.ImportanceWeighted(model, data, k, generator).mean().item<double>()))
            .ToArray();

        elbo.Should().BeLessThan(exact - 0.5, "a random encoder leaves a large gap");
        // K = 1 is a single-sample estimate of the ELBO: equal in expectation, within four standard errors here.
        double[] single = Enumerable.Range(0, 40)
            .SelectMany(_ => MarginalLikelihood.ImportanceWeighted(model, data, 1, generator).data<double>().ToArray())
            .ToArray();
        double standardError = Math.Sqrt(single.Select(v => (v - single.Average()) * (v - single.Average())).Sum() / (single.Length - 1) / single.Length);
        single.Average().Should().BeApproximately(elbo, (4 * standardError) + 0.02);
        byK.Should().BeInAscendingOrder("the bound tightens with K");
        byK[1].Should().BeGreaterThan(elbo + 0.1);
        byK[^1].Should().BeLessThan(exact + 0.02, "it is a lower bound in expectation");
        (exact - byK[^1]).Should().BeLessThan(0.25 * (exact - elbo), "5000 samples close most of the gap");
    }

    [Fact]
    public void Chunked_samples_give_the_same_estimate_as_one_pass()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var model = VariationalAutoencoder.CreateMlp([1, 64, 64], latentSize: 3, hiddenSizes: [16]);
        Tensor data = rand(2, 1, 64, 64);
        using var first = new Generator(8);
        using var second = new Generator(8);

        // 2 items × 4096 pixels: the chunk budget (2^22 values) holds 512 samples, so K = 3000 takes six chunks.
        Tensor chunked = MarginalLikelihood.ImportanceWeighted(model, data, 3000, first);
        Tensor z = model.Encode(data).Sample(3000, second);
        using (no_grad())
        {
            var posterior = model.Encode(data);
            Tensor logWeights = model.Likelihood.LogProb(data, model.Decode(z)).to_type(ScalarType.Float64)
                + new VaeLib.Latent.StandardNormalPrior(z.size(-1)).LogDensity(z).to_type(ScalarType.Float64)
                - posterior.LogDensity(z).to_type(ScalarType.Float64);
            Tensor direct = logWeights.logsumexp(0) - Math.Log(3000);
            chunked.allclose(direct, rtol: 1e-6, atol: 1e-3).Should().BeTrue();
        }
    }

    [Fact]
    public void A_sample_count_below_one_is_rejected()
    {
        using var model = VariationalAutoencoder.CreateMlp([4], latentSize: 2, hiddenSizes: [8]);
        using var data = rand(3, 4);
        FluentActions.Invoking(() => MarginalLikelihood.ImportanceWeighted(model, data, 0))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("sampleCount");
    }
}
