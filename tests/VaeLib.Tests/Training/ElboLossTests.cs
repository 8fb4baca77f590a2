using TorchSharp;
using VaeLib.Data;
using VaeLib.Likelihoods;
using VaeLib.Modules;
using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Tests.Training;

[Collection(GlobalRandomStateCollection.Name)]
public class ElboLossTests
{
    // The linear-Gaussian VAE (LinearGaussianVae): log p(x) and the exact posterior are known in closed form.
    private const int DataSize = LinearGaussianVae.DataSize;
    private const int LatentSize = LinearGaussianVae.LatentSize;
    private const double NoiseVariance = LinearGaussianVae.NoiseVariance;
    private static readonly double[,] W = LinearGaussianVae.W;
    private static readonly double[] B = LinearGaussianVae.B;

    [Fact]
    public void Loss_is_reconstruction_plus_beta_times_kl_per_item()
    {
        using var scope = NewDisposeScope();
        using var model = VariationalAutoencoder.CreateMlp([4], latentSize: 2, hiddenSizes: [8]);
        Tensor x = rand(6, 4);
        using var first = new Generator(9);
        using var second = new Generator(9);

        ElboTerms plain = new ElboLoss(1).Evaluate(model, x, 3, first);
        ElboTerms weighted = new ElboLoss(2.5).Evaluate(model, x, 3, second);

        plain.Loss.shape.Should().Equal(6);
        weighted.Reconstruction.allclose(plain.Reconstruction).Should().BeTrue("the same generator seed gives the same z");
        weighted.Loss.allclose(plain.Reconstruction + (plain.Kl * 2.5), rtol: 1e-5, atol: 1e-5).Should().BeTrue();
        plain.Elbo.allclose(plain.Loss.neg()).Should().BeTrue();
        plain.Mean().Loss.item<float>().Should().BeApproximately(plain.Loss.mean().item<float>(), 1e-5f);
    }

    [Fact]
    public void Reconstruction_term_is_the_mean_over_samples_of_the_likelihood()
    {
        using var scope = NewDisposeScope();
        using var model = VariationalAutoencoder.CreateMlp([4], latentSize: 2, hiddenSizes: [8]);
        Tensor x = rand(3, 4);
        using var first = new Generator(4);
        using var second = new Generator(4);

        ElboTerms terms = new ElboLoss().Evaluate(model, x, 5, first);
        VaeOutput output = model.Forward(x, 5, second);

        Tensor expected = model.Likelihood.LogProb(x, output.DecoderOutput).mean([0]).neg();
        terms.Reconstruction.allclose(expected, rtol: 1e-5, atol: 1e-5).Should().BeTrue();
        terms.Kl.allclose(output.Posterior.KlToStandardNormal()).Should().BeTrue();
    }

    [Fact]
    public void A_negative_beta_is_rejected()
    {
        FluentActions.Invoking(() => new ElboLoss(-0.1)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("beta");
    }

    [Fact]
    public void Elbo_of_a_linear_gaussian_vae_stays_below_the_exact_log_likelihood_and_training_closes_the_gap()
    {
        using var scope = NewDisposeScope();
        manual_seed(17);
        using var model = LinearGaussianVae.Create();
        using var generator = new Generator(23);
        Tensor data = LinearGaussianVae.SampleData(2000, generator);
        double[] exact = LinearGaussianVae.ExactLogLikelihood(data);

        double[] before = ElboPerItem(model, data, generator);
        double[] closedFormBefore = ClosedFormElbo(model, data);
        using var dataset = new TensorDataset(data);
        using (var trainer = new Trainer(model, new TrainerOptions { Epochs = 40, BatchSize = 100, LearningRate = 0.02, Device = ComputeDevice.Cpu, Seed = 3 }))
        {
            trainer.Fit(dataset);
        }

        double[] after = ElboPerItem(model, data, generator);
        double[] closedFormAfter = ClosedFormElbo(model, data);

        // The library's Monte Carlo ELBO is an unbiased estimate of the closed-form ELBO (its noise averages out
        // over 2000 items to about 0.002 nats; a single item's 500-sample estimate varies by about 0.05).
        before.Average().Should().BeApproximately(closedFormBefore.Average(), 0.02);
        after.Average().Should().BeApproximately(closedFormAfter.Average(), 0.01);

        // The ELBO is below log p(x) for every item, for a random encoder and for the trained one.
        exact.Zip(closedFormBefore, (p, elbo) => elbo - p).Max().Should().BeLessThan(1e-4);
        exact.Zip(closedFormAfter, (p, elbo) => elbo - p).Max().Should().BeLessThan(1e-4);

        // Training the encoder closes most of the gap, which is KL(q(z|x) ‖ p(z|x)) and can reach 0 here.
        double gapBefore = exact.Zip(before, (p, elbo) => p - elbo).Average();
        double gapAfter = exact.Zip(after, (p, elbo) => p - elbo).Average();
        gapBefore.Should().BeGreaterThan(0.5, "a random encoder is far from the posterior");
        gapAfter.Should().BeGreaterThan(-0.005).And.BeLessThan(0.05 * gapBefore).And.BeLessThan(0.05);

        // The learned variances approach the exact posterior variances 1 / (1 + ‖w_j‖² / c).
        using (no_grad())
        {
            double[] variances = model.Encode(data).LogVariance.exp().mean([0]).data<float>().ToArray().Select(v => (double)v).ToArray();
            for (int j = 0; j < LatentSize; j++)
            {
                variances[j].Should().BeApproximately(1 / (1 + (ColumnNormSquared(j) / NoiseVariance)), 0.02);
            }
        }
    }

    private static double ColumnNormSquared(int column) => LinearGaussianVae.ColumnNormSquared(column);

    /// <summary>
    /// The ELBO of the linear-Gaussian model in closed form for the model's q(z|x) = N(μ, diag σ²):
    /// E_q[log p(x|z)] = −(‖x − Wμ − b‖² + Σ_j ‖w_j‖² σ_j²) / (2c) − (D/2) log(2πc), minus the analytic KL.
    /// </summary>
    private static double[] ClosedFormElbo(VariationalAutoencoder model, Tensor data)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var posterior = model.Encode(data);
        float[] means = posterior.Mean.data<float>().ToArray();
        float[] logVariances = posterior.LogVariance.data<float>().ToArray();
        float[] values = data.data<float>().ToArray();
        var result = new double[values.Length / DataSize];
        for (int n = 0; n < result.Length; n++)
        {
            double squared = 0;
            for (int i = 0; i < DataSize; i++)
            {
                double residual = values[(n * DataSize) + i] - B[i];
                for (int j = 0; j < LatentSize; j++)
                {
                    residual -= W[i, j] * means[(n * LatentSize) + j];
                }

                squared += residual * residual;
            }

            double kl = 0;
            for (int j = 0; j < LatentSize; j++)
            {
                double mean = means[(n * LatentSize) + j];
                double logVariance = logVariances[(n * LatentSize) + j];
                squared += ColumnNormSquared(j) * Math.Exp(logVariance);
                kl += -0.5 * (1 + logVariance - (mean * mean) - Math.Exp(logVariance));
            }

            result[n] = (-squared / (2 * NoiseVariance)) - (0.5 * DataSize * Math.Log(2 * Math.PI * NoiseVariance)) - kl;
        }

        return result;
    }

    private static double[] ElboPerItem(VariationalAutoencoder model, Tensor data, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return new ElboLoss().Evaluate(model, data, sampleCount: 500, generator).Elbo.data<float>().ToArray().Select(v => (double)v).ToArray();
    }
}
