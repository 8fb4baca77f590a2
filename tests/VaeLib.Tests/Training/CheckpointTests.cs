using VaeLib.Data;
using VaeLib.Persistence;
using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Tests.Training;

[Collection(GlobalRandomStateCollection.Name)]
public sealed class CheckpointTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("vaelib-checkpoint-").FullName;

    [Theory]
    [InlineData(OptimizerKind.Adam, 0)]
    [InlineData(OptimizerKind.AdamW, 0.05)]
    public void A_run_interrupted_and_resumed_from_a_checkpoint_repeats_the_uninterrupted_run(OptimizerKind optimizer, double weightDecay)
    {
        using var data = SpritesDataset.Generate(new SpritesOptions { Count = 256, ImageSize = 12, Seed = 9 });
        var uninterruptedWeights = new List<float[]>();
        var resumedWeights = new List<float[]>();
        double[] uninterrupted = Train(data, epochs: 5, checkpoint: null, resume: false, optimizer: optimizer, weightDecay: weightDecay, finalWeights: uninterruptedWeights);

        Train(data, epochs: 2, checkpoint: folder, resume: false, optimizer: optimizer, weightDecay: weightDecay);
        double[] resumed = Train(data, epochs: 5, checkpoint: folder, resume: true, optimizer: optimizer, weightDecay: weightDecay, finalWeights: resumedWeights);

        resumed.Should().HaveCount(5);
        resumed.Should().Equal(uninterrupted, (a, b) => Math.Abs(a - b) <= 1e-6 * Math.Abs(b));
        uninterruptedWeights.Should().NotBeEmpty();
        resumedWeights.Should().HaveSameCount(uninterruptedWeights);
        foreach ((float[] actual, float[] expected) in resumedWeights.Zip(uninterruptedWeights))
        {
            actual.Should().Equal(expected, (a, b) => Math.Abs(a - b) <= (1e-6 * Math.Abs(b)) + 1e-7, "the resumed run ends at the uninterrupted run's weights");
        }
    }

    [Fact]
    public void A_damaged_checkpoint_is_refused_with_the_file_named()
    {
        using var data = SpritesDataset.Generate(new SpritesOptions { Count = 64, ImageSize = 12 });
        Train(data, epochs: 1, checkpoint: folder, resume: false);
        string weights = Path.Combine(folder, "weights.bin");
        byte[] bytes = File.ReadAllBytes(weights);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(weights, bytes);

        FluentActions.Invoking(() => Train(data, epochs: 2, checkpoint: folder, resume: true))
            .Should().Throw<ModelFormatException>().WithMessage("*weights.bin*checksum mismatch*");
    }

    [Fact]
    public void A_folder_without_a_checkpoint_is_refused()
    {
        using var data = SpritesDataset.Generate(new SpritesOptions { Count = 64, ImageSize = 12 });

        FluentActions.Invoking(() => Train(data, epochs: 2, checkpoint: folder, resume: true))
            .Should().Throw<ModelFormatException>().WithMessage("*not a training checkpoint*");
    }

    [Fact]
    public void A_diverging_run_names_epoch_and_minibatch_and_keeps_the_last_good_checkpoint()
    {
        using var scope = NewDisposeScope();
        using var good = new TensorDataset(rand(64, 4));
        Tensor broken = rand(64, 4);
        broken[10, 2] = tensor(float.NaN);
        using var bad = new TensorDataset(broken);
        manual_seed(3);
        using var model = VariationalAutoencoder.CreateMlp([4], latentSize: 2, hiddenSizes: [8]);
        using (var first = new Trainer(model, new TrainerOptions { Epochs = 1, BatchSize = 16, Device = ComputeDevice.Cpu, CheckpointDirectory = folder }))
        {
            first.Fit(good);
        }

        string before = File.ReadAllText(Path.Combine(folder, "checkpoint.json"));
        using var second = new Trainer(model, new TrainerOptions { Epochs = 3, BatchSize = 16, Device = ComputeDevice.Cpu, CheckpointDirectory = folder });
        second.LoadCheckpoint(folder);

        FluentActions.Invoking(() => second.Fit(bad))
            .Should().Throw<InvalidOperationException>().WithMessage("*diverged in epoch 2 (first at minibatch *)*last good checkpoint*");
        File.ReadAllText(Path.Combine(folder, "checkpoint.json")).Should().Be(before);
        second.LoadCheckpoint(folder);
        second.CompletedEpochs.Should().Be(1);
    }

    [Fact]
    public void Gradient_clipping_changes_the_updates_and_still_trains()
    {
        using var data = SpritesDataset.Generate(new SpritesOptions { Count = 128, ImageSize = 12, Seed = 2 });

        double[] plain = Train(data, epochs: 2, checkpoint: null, resume: false);
        double[] clipped = Train(data, epochs: 2, checkpoint: null, resume: false, maxGradientNorm: 0.5);

        clipped.Should().NotEqual(plain);
        clipped.Should().AllSatisfy(loss => double.IsFinite(loss).Should().BeTrue());
        clipped[1].Should().BeLessThan(clipped[0]);
        FluentActions.Invoking(() => new TrainerOptions { MaxGradientNorm = 0 })
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("MaxGradientNorm");
    }

    [Fact]
    public void Cancelling_mid_epoch_writes_a_final_checkpoint_of_the_last_complete_epoch_that_resumes_exactly()
    {
        using var data = SpritesDataset.Generate(new SpritesOptions { Count = 256, ImageSize = 12, Seed = 9 });
        double[] uninterrupted = Train(data, epochs: 5, checkpoint: null, resume: false);
        using var cancellation = new CancellationTokenSource();

        // Eight minibatches per epoch: the 20th batch is the fourth of epoch 3.
        manual_seed(1);
        using (var model = VariationalAutoencoder.CreateMlp(data.ItemShape, latentSize: 3, hiddenSizes: [16]))
        using (var trainer = new Trainer(model, new TrainerOptions { Epochs = 5, BatchSize = 32, Device = ComputeDevice.Cpu, Seed = 7, CheckpointDirectory = folder, CheckpointEvery = 10, CheckpointOnCancel = true }))
        {
            TrainingHistory stopped = trainer.Fit(new CancellingDataset(data, cancelOnCall: 20, cancellation), cancellationToken: cancellation.Token);
            stopped.WasCancelled.Should().BeTrue();
            stopped.Epochs.Should().HaveCount(2);
        }

        double[] resumed = Train(data, epochs: 5, checkpoint: folder, resume: true);

        resumed.Should().Equal(uninterrupted, (a, b) => Math.Abs(a - b) <= 1e-6 * Math.Abs(b));
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);


    private static double[] Train(
        SpritesDataset data,
        int epochs,
        string? checkpoint,
        bool resume,
        double? maxGradientNorm = null,
        OptimizerKind optimizer = OptimizerKind.Adam,
        double weightDecay = 0,
        List<float[]>? finalWeights = null)
    {
        // A resumed model starts from other weights on purpose: the checkpoint must restore them.
        manual_seed(resume ? 99 : 1);
        using var model = VariationalAutoencoder.CreateMlp(data.ItemShape, latentSize: 3, hiddenSizes: [16]);
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = epochs,
            BatchSize = 32,
            Device = ComputeDevice.Cpu,
            Seed = 7,
            CheckpointDirectory = checkpoint,
            MaxGradientNorm = maxGradientNorm,
            Optimizer = optimizer,
            WeightDecay = weightDecay,
        });
        if (resume)
        {
            trainer.LoadCheckpoint(checkpoint!);
        }

        double[] losses = trainer.Fit(data).Epochs.Select(report => report.TrainLoss).ToArray();
        finalWeights?.AddRange(model.parameters().Select(parameter => parameter.data<float>().ToArray()));
        return losses;
    }
}
