using VaeLib.Data;
using VaeLib.Evaluation;
using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Tests.Evaluation;

[Collection(GlobalRandomStateCollection.Name)]
public class ModelEvaluationTests
{
    [Fact]
    public void A_trained_model_separates_classes_it_was_never_told_and_every_part_of_the_report_is_filled()
    {
        using var train = Bars(2000, seed: 1);
        using var test = Bars(400, seed: 2);
        manual_seed(1);
        using var model = VariationalAutoencoder.CreateMlp(train.ItemShape, latentSize: 4, hiddenSizes: [64]);
        using (var trainer = new Trainer(model, new TrainerOptions { Epochs = 5, Device = ComputeDevice.Cpu }))
        {
            trainer.Fit(train);
        }

        EvaluationReport report = ModelEvaluation.Evaluate(model, train, test, new EvaluationOptions
        {
            Likelihood = new MarginalLikelihoodOptions { SampleCounts = [1, 10, 50] },
            ProbeItems = 500,
        });

        report.Likelihood.Count.Should().Be(400);
        report.Likelihood.LogLikelihood.Should().BeInAscendingOrder();
        report.Likelihood.BestLogLikelihood.Should().BeGreaterThan(-report.Likelihood.NegativeElbo);
        report.Latent.KlPerDimension.Should().HaveCount(4);
        report.Latent.ActiveUnits.Should().BeInRange(1, 4);
        report.SquaredError.Should().BePositive();
        report.PcaComponents.Should().Be(4);
        report.PcaSquaredError.Should().BePositive();
        report.MajorityRate.Should().BeInRange(0.2, 0.5, "there are three classes of equal size");
        report.ProbeAccuracy.Should().BeGreaterThan(0.9, "the codes say where the bar is");
        report.PcaProbeAccuracy.Should().BeGreaterThan(0.9, "so do the principal components");
    }

    [Fact]
    public void Unlabelled_data_get_no_probe_and_the_squared_error_is_that_of_the_reconstruction()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        using var model = VariationalAutoencoder.CreateMlp([5], latentSize: 2, hiddenSizes: [8]);
        using var data = new TensorDataset(rand(40, 5));

        EvaluationReport report = ModelEvaluation.Evaluate(model, data, data, new EvaluationOptions
        {
            Likelihood = new MarginalLikelihoodOptions { SampleCounts = [2] },
            BatchSize = 16,
        });

        report.ProbeAccuracy.Should().BeNull();
        report.PcaProbeAccuracy.Should().BeNull();
        report.MajorityRate.Should().BeNull();
        Tensor items = data.GetBatch(arange(40L));
        double expected = (model.Reconstruct(items) - items).square().sum().item<float>() / 40;
        report.SquaredError.Should().BeApproximately(expected, 1e-4);
        ModelEvaluation.SquaredError(model, data, batchSize: 7).Should().BeApproximately(expected, 1e-4);
    }

    /// <summary>8×8 images with a bright bar two columns wide at the left (class 0), middle (1) or right (2), of random height and place, plus noise.</summary>
    private static ImageDataset Bars(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[count * 64];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            labels[n] = n % 3;
            for (int i = 0; i < 64; i++)
            {
                pixels[(n * 64) + i] = (byte)random.Next(40);
            }

            int top = random.Next(4);
            int height = 2 + random.Next(8 - top - 1);
            for (int row = top; row < top + height; row++)
            {
                for (int column = 3 * labels[n]; column < (3 * labels[n]) + 2; column++)
                {
                    pixels[(n * 64) + (row * 8) + column] = 255;
                }
            }
        }

        using var images = tensor(pixels, [count, 1, 8, 8], ScalarType.Byte);
        return new ImageDataset(images, labels, ["left", "middle", "right"]);
    }
}
