using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using VaeLib.Data;
using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Tests.Training;

[Collection(GlobalRandomStateCollection.Name)]
public class TrainerLoggingTests
{
    [Fact]
    public void The_trainer_logs_the_start_each_epoch_with_its_losses_and_each_checkpoint()
    {
        using var data = SpritesDataset.Generate(new SpritesOptions { Count = 128, ImageSize = 8, Seed = 4 });
        string checkpoints = Path.Combine(Path.GetTempPath(), "vaelib-log-" + Guid.NewGuid().ToString("N"));
        var logger = new FakeLogger();
        manual_seed(1);
        using var model = VariationalAutoencoder.CreateMlp(data.ItemShape, latentSize: 2, hiddenSizes: [8]);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 2, BatchSize = 32, Device = ComputeDevice.Cpu, CheckpointDirectory = checkpoints }, logger);

        try
        {
            TrainingHistory history = trainer.Fit(data, data);

            var records = logger.Collector.GetSnapshot();
            records.Select(record => record.Id.Id).Should().Equal(1, 3, 2, 3, 2);
            records[0].Level.Should().Be(LogLevel.Information);
            records[0].StructuredState.Should().Contain(new KeyValuePair<string, string?>("TrainingItems", "128"));
            var epochs = records.Where(record => record.Id.Id == 2).ToList();
            epochs.Select(record => record.GetStructuredStateValue("Epoch")).Should().Equal("1", "2");
            for (int i = 0; i < 2; i++)
            {
                double.Parse(epochs[i].GetStructuredStateValue("TrainLoss")!, System.Globalization.CultureInfo.InvariantCulture)
                    .Should().Be(history.Epochs[i].TrainLoss);
                double.Parse(epochs[i].GetStructuredStateValue("ValidationLoss")!, System.Globalization.CultureInfo.InvariantCulture)
                    .Should().Be(history.Epochs[i].Validation!.Loss);
            }

            records.Where(record => record.Id.Id == 3).Should().AllSatisfy(record => record.Level.Should().Be(LogLevel.Debug));
        }
        finally
        {
            Directory.Delete(checkpoints, recursive: true);
        }
    }

    [Fact]
    public void Cancellation_is_logged_as_a_warning_and_an_epoch_without_validation_has_its_own_entry()
    {
        using var data = SpritesDataset.Generate(new SpritesOptions { Count = 128, ImageSize = 8, Seed = 5 });
        using var cancellation = new CancellationTokenSource();
        var cancelling = new CancellingDataset(data, cancelOnCall: 6, cancellation);
        var logger = new FakeLogger();
        using var model = VariationalAutoencoder.CreateMlp(data.ItemShape, latentSize: 2, hiddenSizes: [8]);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 3, BatchSize = 32, Device = ComputeDevice.Cpu }, logger);

        trainer.Fit(cancelling, cancellationToken: cancellation.Token).WasCancelled.Should().BeTrue();

        var records = logger.Collector.GetSnapshot();
        records.Select(record => record.Id.Id).Should().Equal(1, 6, 4);
        records[^1].Level.Should().Be(LogLevel.Warning);
        records[^1].GetStructuredStateValue("CompletedEpochs").Should().Be("1");
    }
}
