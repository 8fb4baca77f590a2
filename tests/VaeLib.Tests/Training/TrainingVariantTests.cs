using TorchSharp;
using VaeLib.Data;
using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Tests.Training;

/// <summary>KL warm-up, free bits and several samples per item: options of the loss and the trainer.</summary>
[Collection(GlobalRandomStateCollection.Name)]
public class TrainingVariantTests
{
    [Fact]
    public void Free_bits_replace_the_kl_by_the_floored_batch_mean_per_dimension()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        using var model = VariationalAutoencoder.CreateMlp([6], latentSize: 4, hiddenSizes: [8]);
        Tensor x = rand(10, 6);
        using var first = new Generator(3);
        using var second = new Generator(3);
        const double floor = 0.05;

        ElboTerms plain = new ElboLoss(1.0).Evaluate(model, x, 1, first);
        ElboTerms floored = new ElboLoss(2.0, freeBits: floor).Evaluate(model, x, 1, second);

        // By hand: Σ_d max(λ, mean_n KL_nd) from the posterior's per-dimension KL.
        double[] perDimension;
        using (no_grad())
        {
            perDimension = model.Encode(x).KlPerDimension().mean([0]).data<float>().ToArray().Select(v => (double)v).ToArray();
        }

        double expectedPenalty = perDimension.Sum(kl => Math.Max(floor, kl));
        perDimension.Should().Contain(kl => kl < floor).And.Contain(kl => kl > floor, "the test needs dimensions on both sides of the floor");
        floored.Reconstruction.allclose(plain.Reconstruction).Should().BeTrue();
        floored.Kl.allclose(plain.Kl).Should().BeTrue("the reported KL stays the true KL");
        double lossMean = floored.Loss.mean().item<float>();
        lossMean.Should().BeApproximately(plain.Reconstruction.mean().item<float>() + (2.0 * expectedPenalty), 1e-4);
    }

    [Fact]
    public void Free_bits_stop_the_kl_gradient_of_dimensions_below_the_floor()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var model = VariationalAutoencoder.CreateMlp([6], latentSize: 3, hiddenSizes: [8]);
        Tensor x = rand(8, 6);
        using var generator = new Generator(1);

        // A floor above every dimension's KL: the KL part is the constant D·λ, so it adds no gradient at all.
        ElboTerms terms = new ElboLoss(1.0, freeBits: 1e6).Evaluate(model, x, 1, generator);
        (terms.Loss - terms.Reconstruction).allclose(full(8, 3e6f), rtol: 1e-6).Should().BeTrue();
        terms.Loss.mean().backward();
        Tensor[] withFloor = model.Latent.parameters().Select(p => p.grad!.clone()).ToArray();

        model.zero_grad();
        using var same = new Generator(1);
        new ElboLoss(1.0).Evaluate(model, x, 1, same).Reconstruction.mean().backward();
        Tensor[] reconstructionOnly = model.Latent.parameters().Select(p => p.grad!).ToArray();

        withFloor.Zip(reconstructionOnly, (a, b) => a.allclose(b, rtol: 1e-5, atol: 1e-7)).Should().AllBeEquivalentTo(true);
    }

    [Fact]
    public void Kl_warmup_raises_the_kl_weight_every_minibatch_from_zero_to_beta()
    {
        using var scope = NewDisposeScope();
        manual_seed(8);
        using var model = VariationalAutoencoder.CreateMlp([5], latentSize: 2, hiddenSizes: [8]);
        // μ and log σ² fixed and the same for every item, so each item's KL is one constant K and the reported
        // loss − reconstruction is K times the item-weighted mean of the minibatches' KL weights.
        using (no_grad())
        {
            foreach (var (name, parameter) in model.Latent.named_parameters())
            {
                parameter.fill_(name.EndsWith("bias", StringComparison.Ordinal) ? (name.StartsWith("mean", StringComparison.Ordinal) ? 0.8 : -0.6) : 0.0);
                parameter.requires_grad_(false);
            }
        }

        // 38 items in minibatches of 10, 10, 10 and 8; warm-up over 2 epochs, so 8 minibatches of weights β·t/8.
        using var data = new TensorDataset(rand(38, 5));
        const double beta = 1.5;
        var options = new TrainerOptions { Epochs = 3, BatchSize = 10, Beta = beta, KlWarmupEpochs = 2, Device = ComputeDevice.Cpu, LearningRate = 1e-3 };
        using var trainer = new Trainer(model, options);

        IReadOnlyList<EpochReport> epochs = trainer.Fit(data).Epochs;

        int[] sizes = [10, 10, 10, 8];
        for (int epoch = 0; epoch < 3; epoch++)
        {
            double meanWeight = sizes.Select((size, b) => size * beta * Math.Min(1, ((epoch * 4) + b) / 8.0)).Sum() / 38;
            double klWeight = (epochs[epoch].TrainLoss - epochs[epoch].TrainReconstruction) / epochs[epoch].TrainKl;
            klWeight.Should().BeApproximately(meanWeight, 1e-4, $"epoch {epoch + 1}: a weight per minibatch, not per epoch");
        }

        epochs.Select(e => e.TrainKl).Should().OnlyContain(kl => kl > 0.1, "the KL must be non-zero for the weights to show");
    }

    [Theory]
    [InlineData(-1, 0.0)]
    [InlineData(0, -0.5)]
    [InlineData(0, double.NaN)]
    public void Impossible_warmup_or_free_bits_are_rejected_when_set(int warmup, double freeBits)
    {
        FluentActions.Invoking(() => new TrainerOptions { KlWarmupEpochs = warmup, FreeBits = freeBits })
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().BeOneOf("KlWarmupEpochs", "FreeBits");
    }

    [Fact]
    public void Several_samples_per_item_lower_the_variance_of_the_loss_estimate()
    {
        using var scope = NewDisposeScope();
        manual_seed(12);
        using var model = VariationalAutoencoder.CreateMlp([8], latentSize: 3, hiddenSizes: [16]);
        Tensor x = rand(1, 8);
        using var generator = new Generator(4);
        using var noGrad = no_grad();

        double Spread(int samples)
        {
            double[] values = Enumerable.Range(0, 300).Select(_ => (double)new ElboLoss().Evaluate(model, x, samples, generator).Loss.item<float>()).ToArray();
            double mean = values.Average();
            return values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
        }

        double one = Spread(1);
        double sixteen = Spread(16);
        // The variance of a mean of 16 independent samples is 1/16 of one sample's; allow generous noise.
        (sixteen / one).Should().BeInRange(1.0 / 40, 1.0 / 6);
    }
}
