using TorchSharp;
using VaeLib.Evaluation;
using VaeLib.Latent;
using VaeLib.Likelihoods;
using VaeLib.Modules;
using VaeLib.Persistence;
using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Tests.Latent;

/// <summary>
/// A model's prior is a seam: a learnable N(m, diag s²) defined here (no closed-form KL, so objectives estimate it by
/// Monte Carlo) is used by sampling, the ELBO and the IWAE estimate, and trains with the model. The linear-Gaussian
/// VAE under that prior has log p(x) = log N(x; b + Wm, W diag(s²) Wᵀ + cI) in closed form.
/// </summary>
[Collection(GlobalRandomStateCollection.Name)]
public sealed class PriorTests
{
    private static readonly double[] PriorMean = [0.7, -1.2];
    private static readonly double[] PriorVariance = [2.5, 0.4];

    [Fact]
    public void The_iwae_estimate_under_a_shifted_prior_with_the_exact_posterior_is_the_closed_form_log_likelihood()
    {
        using var scope = NewDisposeScope();
        using var model = LinearGaussianVae.CreateWithExactPosterior(ShiftedPrior(), PriorMean, PriorVariance);
        using var generator = new Generator(3);
        Tensor data = LinearGaussianVae.SampleData(6, generator) + tensor(new float[] { 1.0f, 0.5f, -0.5f, 0.2f });
        double[] exact = LinearGaussianVae.ExactLogLikelihood(data, PriorMean, PriorVariance);
        double[] standardNormal = LinearGaussianVae.ExactLogLikelihood(data);

        double[] estimate = MarginalLikelihood.ImportanceWeighted(model, data, 1, generator).data<double>().ToArray();

        // With q = p(z|x) every importance weight equals p(x): one sample is exact.
        estimate.Should().Equal(exact, (a, b) => Math.Abs(a - b) < 1e-4);
        estimate.Zip(standardNormal).Should().Contain(pair => Math.Abs(pair.First - pair.Second) > 0.1, "the prior changes log p(x), so a static N(0, I) would be caught");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void The_elbo_with_a_monte_carlo_kl_is_the_log_likelihood_when_the_posterior_is_exact(int samples)
    {
        using var scope = NewDisposeScope();
        using var model = LinearGaussianVae.CreateWithExactPosterior(ShiftedPrior(), PriorMean, PriorVariance);
        using var generator = new Generator(4);
        Tensor data = LinearGaussianVae.SampleData(5, generator);

        ElboTerms terms = new ElboLoss().Evaluate(model, data, samples, generator);

        // log p(x|z) + log p(z) − log q(z|x) = log p(x) for every z, so the estimate of the KL carries no noise.
        terms.Elbo.data<float>().Select(value => (double)value).Should().Equal(LinearGaussianVae.ExactLogLikelihood(data, PriorMean, PriorVariance), (a, b) => Math.Abs(a - b) < 1e-4);
    }

    [Fact]
    public void The_monte_carlo_kl_of_a_prior_without_a_closed_form_converges_to_the_closed_form_one()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var closedForm = VariationalAutoencoder.CreateMlp([6], latentSize: 3, hiddenSizes: [8], likelihood: new GaussianLikelihood());
        using var monteCarlo = VariationalAutoencoder.CreateMlp([6], latentSize: 3, hiddenSizes: [8], likelihood: new GaussianLikelihood(), prior: new ShiftedGaussianPrior(3, [0, 0, 0], [1, 1, 1]));
        monteCarlo.load_state_dict(closedForm.state_dict(), strict: false);
        Tensor data = randn(4, 6);
        using var generator = new Generator(6);

        Tensor exact = new ElboLoss().Evaluate(closedForm, data, 1, generator).Kl;
        Tensor estimated = new ElboLoss().Evaluate(monteCarlo, data, 200_000, generator).Kl;

        exact.allclose(estimated, rtol: 0, atol: 0.02).Should().BeTrue($"{exact.str()} vs {estimated.str()}");
    }

    [Fact]
    public void Sampling_draws_z_from_the_models_prior()
    {
        using var scope = NewDisposeScope();
        var prior = ShiftedPrior();
        using var model = LinearGaussianVae.Create(prior);
        using var first = new Generator(8);
        using var second = new Generator(8);

        Tensor samples = model.Sample(50, first);
        Tensor z = prior.Sample(50, CPU, second);

        samples.allclose(model.Likelihood.Mean(model.Decode(z))).Should().BeTrue();
        z.mean([0]).allclose(tensor(PriorMean).to_type(ScalarType.Float32), atol: 0.6).Should().BeTrue("z ~ N(m, s²), not N(0, I)");
    }

    [Fact]
    public void A_learnable_prior_trains_with_the_model()
    {
        using var scope = NewDisposeScope();
        manual_seed(9);
        var prior = new ShiftedGaussianPrior(2, [3, 3], [1, 1]);
        using var model = LinearGaussianVae.Create(prior);
        using var generator = new Generator(10);
        var data = new VaeLib.Data.TensorDataset(LinearGaussianVae.SampleData(512, generator));
        double before = prior.Mean.data<float>().Select(value => (double)Math.Abs(value)).Sum();

        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 20, BatchSize = 64, LearningRate = 0.05 });
        trainer.Fit(data);

        model.named_parameters().Select(entry => entry.name).Should().Contain(["prior.mean", "prior.logVariance"]);
        prior.Mean.data<float>().Select(value => (double)Math.Abs(value)).Sum().Should().BeLessThan(before / 2, "the data were drawn with z ~ N(0, I), so the learned prior mean moves from 3 towards 0");
    }

    [Fact]
    public void A_prior_of_another_latent_size_is_refused()
    {
        var encoder = new MlpEncoder(new MlpEncoderOptions { InputShape = [4], HiddenSizes = [] });
        var decoder = new MlpDecoder(new MlpDecoderOptions { LatentSize = 2, OutputShape = [4], HiddenSizes = [] });

        var build = () => new VariationalAutoencoder(encoder, decoder, new GaussianLikelihood(), 0, new ShiftedGaussianPrior(3, [0, 0, 0], [1, 1, 1]));

        build.Should().Throw<ArgumentException>().WithMessage("*over 3 dimensions*z has 2*");
    }

    [Fact]
    public void Free_bits_need_a_closed_form_kl()
    {
        using var scope = NewDisposeScope();
        using var model = LinearGaussianVae.Create(ShiftedPrior());

        var evaluate = () => new ElboLoss(freeBits: 0.5).Evaluate(model, zeros(3, 4));

        evaluate.Should().Throw<InvalidOperationException>().WithMessage("*Free bits*closed form*N(m, diag s²)*");
    }

    [Fact]
    public void Saving_a_model_whose_prior_format_1_cannot_describe_is_refused_before_anything_is_written()
    {
        using var model = LinearGaussianVae.Create(ShiftedPrior());
        string folder = Path.Combine(Path.GetTempPath(), $"vae-prior-{Guid.NewGuid():N}");

        var save = () => new SavedModel(model, new VaeArchitecture { InputShape = [4], HiddenSizes = [], LatentSize = 2, Likelihood = LikelihoodKind.Gaussian }, new Dictionary<string, string>()).Save(folder);

        save.Should().Throw<NotSupportedException>().WithMessage("*N(0, I) only*N(m, diag s²)*");
        Directory.Exists(folder).Should().BeFalse();
    }

    private static ShiftedGaussianPrior ShiftedPrior() => new(2, PriorMean, PriorVariance);

    /// <summary>N(m, diag s²) with learnable m and log s², and no closed-form KL (the objectives estimate it).</summary>
    private sealed class ShiftedGaussianPrior : Prior
    {
        private readonly TorchSharp.Modules.Parameter mean;
        private readonly TorchSharp.Modules.Parameter logVariance;

        public ShiftedGaussianPrior(long latentSize, double[] mean, double[] variance)
            : base(nameof(ShiftedGaussianPrior), latentSize)
        {
            this.mean = nn.Parameter(tensor(mean).to_type(ScalarType.Float32));
            logVariance = nn.Parameter(tensor(variance).log().to_type(ScalarType.Float32));
            RegisterComponents();
        }

        public Tensor Mean => mean;

        public override string Description => "N(m, diag s²)";

        public override Tensor LogDensity(Tensor z)
        {
            Tensor standardized = (z - mean) * (logVariance * -0.5).exp();
            return ((standardized.pow(2) + logVariance + Math.Log(2 * Math.PI)) * -0.5).sum(-1);
        }

        public override Tensor Sample(long count, Device device, Generator? generator = null) =>
            (mean + ((logVariance * 0.5).exp() * randn([count, LatentSize], generator: generator))).detach().to(device);
    }
}
