using TorchSharp;
using VaeLib.Data;
using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Tests.Training;

/// <summary>The numbers the trainer reports and the gradients it steps with, against the formulas they stand for.</summary>
[Collection(GlobalRandomStateCollection.Name)]
public class TrainerNumericsTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(50)]
    public void Validation_loss_with_free_bits_is_the_negative_elbo_whatever_the_batch_size(int batchSize)
    {
        using var scope = NewDisposeScope();
        manual_seed(21);
        using var model = VariationalAutoencoder.CreateMlp([6], latentSize: 3, hiddenSizes: [8]);
        // σ ≈ 2e−9 for every item, so z = μ up to rounding and −ELBO = −log p(x | z = μ) + KL exactly, with no noise.
        using (no_grad())
        {
            foreach (var (name, parameter) in model.Latent.named_parameters())
            {
                if (name.StartsWith("logVariance", StringComparison.Ordinal))
                {
                    parameter.fill_(name.EndsWith("bias", StringComparison.Ordinal) ? -40.0 : 0.0);
                }
            }
        }

        Tensor x = rand(new long[] { 20, 6 }, generator: new Generator(5));
        using var data = new TensorDataset(x);
        // A floor of 1000 nats per dimension: the floored objective would be about 3000 nats above the −ELBO.
        var options = new TrainerOptions { BatchSize = batchSize, FreeBits = 1000, Device = ComputeDevice.Cpu };
        using var trainer = new Trainer(model, options);

        ValidationReport report = trainer.Evaluate(data);

        double expected;
        using (no_grad())
        {
            var posterior = model.Encode(x);
            double[] logLikelihood = model.Likelihood.LogProb(x, model.Decode(posterior.Mean)).data<float>().ToArray().Select(v => (double)v).ToArray();
            float[] mean = posterior.Mean.data<float>().ToArray();
            float[] logVariance = posterior.LogVariance.data<float>().ToArray();
            double kl = Enumerable.Range(0, mean.Length).Sum(i => -0.5 * (1 + logVariance[i] - (mean[i] * (double)mean[i]) - Math.Exp(logVariance[i])));
            expected = (kl - logLikelihood.Sum()) / 20;
        }

        report.Loss.Should().BeApproximately(expected, 1e-4 * Math.Abs(expected));
        report.Loss.Should().BeApproximately(report.Reconstruction + report.Kl, 1e-6 * Math.Abs(expected), "with β = 1 the loss is reconstruction + KL");
    }

    [Fact]
    public void Clipping_scales_the_gradient_to_the_limit_in_its_own_direction()
    {
        using var scope = NewDisposeScope();
        Tensor x = rand(new long[] { 16, 6 }, generator: new Generator(8));
        using var data = new TensorDataset(x);
        const double limit = 1e-3;

        // One minibatch: the gradients left on the parameters are those of the only step, from the same weights and ε.
        Tensor[] Gradients(double? maxGradientNorm)
        {
            manual_seed(30);
            using var model = VariationalAutoencoder.CreateMlp([6], latentSize: 2, hiddenSizes: [8]);
            using var trainer = new Trainer(model, new TrainerOptions { Epochs = 1, BatchSize = 16, Device = ComputeDevice.Cpu, MaxGradientNorm = maxGradientNorm });
            trainer.Fit(data);
            return model.parameters().Select(p => p.grad!.clone().MoveToOuterDisposeScope()).ToArray();
        }

        Tensor[] raw = Gradients(null);
        Tensor[] clipped = Gradients(limit);

        static double Norm(Tensor[] gradients) => Math.Sqrt(gradients.Sum(g => g.pow(2).sum().item<float>()));
        double rawNorm = Norm(raw);
        rawNorm.Should().BeGreaterThan(100 * limit, "the test needs a gradient far above the limit");
        Norm(clipped).Should().BeApproximately(limit, 1e-4 * limit);
        foreach (var (r, c) in raw.Zip(clipped))
        {
            c.allclose(r * (limit / rawNorm), rtol: 1e-4, atol: 1e-9).Should().BeTrue("clipping rescales, it does not turn the gradient");
        }
    }
}
