using TorchSharp;
using VaeLib.Imputation;
using VaeLib.Likelihoods;
using static TorchSharp.torch;

namespace VaeLib.Tests.Imputation;

[Collection(GlobalRandomStateCollection.Name)]
public class ImputerTests
{
    private const int Chains = 2000;
    private static readonly bool[] Observed = [true, false, true, false];

    [Theory]
    [InlineData(ImputationMethod.PseudoGibbs)]
    [InlineData(ImputationMethod.MetropolisWithinGibbs)]
    public void With_the_exact_posterior_the_chain_is_exact_gibbs_and_its_average_is_the_conditional_mean(ImputationMethod method)
    {
        using var scope = NewDisposeScope();
        using var model = LinearGaussianVae.CreateWithExactPosterior();
        using var generator = new Generator(21);
        var imputer = new Imputer(model, new ImputationOptions { Method = method, Iterations = 40, AveragedIterations = 30 });

        var (estimates, exact, mean, acceptance) = Run(imputer, generator);

        for (int item = 0; item < exact.Length; item++)
        {
            foreach (int i in new[] { 1, 3 })
            {
                estimates[item][i].Should().BeApproximately(exact[item][i], 0.05, $"item {item}, entry {i}");
            }
        }

        // q(z|x) = p(z|x), so every Metropolis ratio is p(x)/p(x) = 1 up to float rounding.
        acceptance.Should().BeGreaterThan(0.999);
        double vaeError = SquaredError(estimates, exact);
        double meanError = SquaredError(mean, exact);
        vaeError.Should().BeLessThan(0.05 * meanError, "the model uses the correlated observed entries; the mean does not");
    }

    [Fact]
    public void Metropolis_within_gibbs_corrects_a_poor_encoder_that_pseudo_gibbs_follows_astray()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var model = LinearGaussianVae.Create(); // a random linear encoder: q(z|x) is not p(z|x)
        using var generator = new Generator(8);

        var (metropolis, exact, _, acceptance) = Run(new Imputer(model, new ImputationOptions { Method = ImputationMethod.MetropolisWithinGibbs, Iterations = 300, AveragedIterations = 200 }), generator);
        var (pseudo, _, _, _) = Run(new Imputer(model, new ImputationOptions { Iterations = 300, AveragedIterations = 200 }), generator);

        acceptance.Should().BeLessThan(0.9, "a poor proposal is sometimes refused");
        SquaredError(metropolis, exact).Should().BeLessThan(0.01);
        SquaredError(pseudo, exact).Should().BeGreaterThan(4 * SquaredError(metropolis, exact));
    }

    [Fact]
    public void Observed_entries_come_back_unchanged_and_nan_in_missing_entries_is_allowed()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var model = VariationalAutoencoder.CreateMlp([1, 6, 6], latentSize: 2, hiddenSizes: [16]);
        using var generator = new Generator(1);
        Tensor input = rand(5, 1, 6, 6);
        Tensor observed = ImputationMasks.BottomHalf([1, 6, 6]).expand(5, 1, 6, 6);
        Tensor withNan = where(observed, input, full_like(input, float.NaN));

        foreach (bool sample in new[] { true, false })
        {
            ImputationResult result = new Imputer(model, new ImputationOptions { Iterations = 5, AveragedIterations = 3, SampleMissing = sample }).Impute(withNan, observed, generator: generator);

            result.Imputed.masked_select(observed).eq(input.masked_select(observed)).all().item<bool>().Should().BeTrue();
            result.Draw.masked_select(observed).eq(input.masked_select(observed)).all().item<bool>().Should().BeTrue();
            result.Imputed.isfinite().all().item<bool>().Should().BeTrue();
            Tensor missing = result.Imputed.masked_select(observed.logical_not());
            missing.ge(0).logical_and(missing.le(1)).all().item<bool>().Should().BeTrue("Bernoulli means are probabilities");
            Tensor drawn = result.Draw.masked_select(observed.logical_not());
            bool expected = sample ? drawn.eq(0).logical_or(drawn.eq(1)).all().item<bool>() : drawn.gt(0).logical_and(drawn.lt(1)).all().item<bool>();
            expected.Should().BeTrue(sample ? "Bernoulli draws are 0 or 1" : "means are strictly inside (0, 1)");
        }
    }

    [Fact]
    public void A_wrong_mask_an_item_with_nothing_observed_or_nan_in_an_observed_entry_is_refused()
    {
        using var scope = NewDisposeScope();
        using var model = VariationalAutoencoder.CreateMlp([4], latentSize: 2, hiddenSizes: [8]);
        var imputer = new Imputer(model);
        Tensor input = rand(3, 4);
        Tensor observed = tensor(new bool[,] { { true, false, true, true }, { false, false, false, false }, { true, true, false, true } });
        Tensor someObserved = ones(3, 4, dtype: ScalarType.Bool);
        Tensor withNan = input.clone();
        withNan[2, 1] = tensor(float.NaN);

        FluentActions.Invoking(() => imputer.Impute(input, ones(3, 5, dtype: ScalarType.Bool))).Should().Throw<ArgumentException>().WithMessage("The mask has shape [3, 5]*[3, 4]*");
        FluentActions.Invoking(() => imputer.Impute(input, ones(3, 4))).Should().Throw<ArgumentException>().WithMessage("*bool*Float32*");
        FluentActions.Invoking(() => imputer.Impute(input, observed)).Should().Throw<ArgumentException>().WithMessage("Item 1 has no observed entry*");
        FluentActions.Invoking(() => imputer.Impute(withNan, someObserved)).Should().Throw<ArgumentException>().WithMessage("Item 2 holds NaN*");
        FluentActions.Invoking(() => imputer.Impute(rand(3, 5), ones(3, 5, dtype: ScalarType.Bool))).Should().Throw<ArgumentException>().WithMessage("*[N, 4]*[3, 5]*");
        FluentActions.Invoking(() => imputer.Impute(input, someObserved, initialFill: zeros(2))).Should().Throw<ArgumentException>().WithMessage("The initial fill has shape [2]*");
        FluentActions.Invoking(() => new Imputer(model, new ImputationOptions { Iterations = 5, AveragedIterations = 6 })).Should().Throw<ArgumentException>().WithMessage("*cannot exceed*");
        FluentActions.Invoking(() => new ImputationOptions { Iterations = 0 }).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void A_likelihood_that_cannot_sample_is_refused_unless_the_mean_is_used()
    {
        using var scope = NewDisposeScope();
        var encoder = new VaeLib.Modules.MlpEncoder(new VaeLib.Modules.MlpEncoderOptions { InputShape = [4], HiddenSizes = [8] });
        var decoder = new VaeLib.Modules.MlpDecoder(new VaeLib.Modules.MlpDecoderOptions { LatentSize = 2, OutputShape = [4], HiddenSizes = [8] });
        using var model = new VariationalAutoencoder(encoder, decoder, new MeanOnlyLikelihood());
        Tensor input = rand(2, 4);
        Tensor observed = tensor(new bool[,] { { true, false, true, true }, { true, true, false, true } });

        FluentActions.Invoking(() => new Imputer(model).Impute(input, observed)).Should().Throw<NotSupportedException>().WithMessage("*mean-only*SampleMissing = false*");
        new Imputer(model, new ImputationOptions { SampleMissing = false, Iterations = 2, AveragedIterations = 1 }).Impute(input, observed).Imputed.isfinite().all().item<bool>().Should().BeTrue();
    }

    private static (double[][] Estimates, double[][] Exact, double[][] Mean, double Acceptance) Run(Imputer imputer, Generator generator)
    {
        Tensor items = LinearGaussianVae.SampleData(3, generator);
        Tensor input = items.repeat_interleave(Chains, 0);
        Tensor observed = tensor(Observed).expand(input.shape).contiguous();
        ImputationResult result = imputer.Impute(input, observed, generator: generator);

        // Each item ran 2000 chains; their mean estimates E[x_m | x_o] with a small Monte Carlo error.
        double[][] estimates = Enumerable.Range(0, 3)
            .Select(i => result.Imputed.narrow(0, i * Chains, Chains).to_type(ScalarType.Float64).mean([0]).data<double>().ToArray()).ToArray();
        double[][] exact = Enumerable.Range(0, 3)
            .Select(i => LinearGaussianVae.ConditionalMean(items[i].to_type(ScalarType.Float64).data<double>().ToArray(), Observed)).ToArray();
        double[][] mean = exact.Select(x => x.Select((v, i) => Observed[i] ? v : LinearGaussianVae.B[i]).ToArray()).ToArray();
        return (estimates, exact, mean, result.AcceptanceRate);
    }

    private static double SquaredError(double[][] estimates, double[][] exact) =>
        estimates.Zip(exact, (e, x) => new[] { 1, 3 }.Sum(i => (e[i] - x[i]) * (e[i] - x[i]))).Average();

    private sealed class MeanOnlyLikelihood : Likelihood
    {
        public override string Name => "mean-only";

        public override Tensor Mean(Tensor parameters) => parameters;

        protected override Tensor ElementLogProbSum(Tensor data, Tensor parameters) => (parameters - data).pow(2).sum(-1).neg();
    }
}
