using VaeLib.Data;
using VaeLib.Tests.Storage;
using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Tests.Training;

/// <summary>
/// A checkpoint being replaced loads, at every instant a kill or a full disk could stop the write, as the previous
/// checkpoint or the new one, and training resumed from it repeats the uninterrupted run exactly.
/// </summary>
[Collection(GlobalRandomStateCollection.Name)]
public sealed class CheckpointAtomicityTests : IDisposable
{
    private const int Epochs = 3;
    private readonly string root = Directory.CreateTempSubdirectory("vaelib-atomic-checkpoint-").FullName;
    private readonly SpritesDataset data = SpritesDataset.Generate(new SpritesOptions { Count = 96, ImageSize = 8, Seed = 4 });

    [Fact]
    public void A_checkpoint_killed_at_any_step_resumes_from_the_previous_or_the_new_epoch_exactly()
    {
        double[] uninterrupted = Resume(checkpoint: null);
        string folder = Path.Combine(root, "checkpoint");
        var recorder = new KillPointRecorder(folder);
        WriteEpochOneThenTwo(folder, recorder);

        var resumedFrom = new List<int>();
        for (int i = 0; i < recorder.States.Count; i++)
        {
            (string where, Dictionary<string, byte[]> files) = recorder.States[i];
            string restored = Path.Combine(root, $"killed-{i}");
            KillPointRecorder.Restore(files, restored);

            double[] losses = Resume(restored, resumedFrom, $"a kill {where}");
            losses.Should().Equal(uninterrupted, (a, b) => Math.Abs(a - b) <= 1e-6 * Math.Abs(b), $"training resumed after a kill {where} repeats the uninterrupted run");
            Directory.GetFiles(restored).Select(Path.GetFileName).Should().BeEquivalentTo(
                ["checkpoint.json", "weights.bin", "optimizer.bin"], $"the checkpoint written after a kill {where} cleans up what it left");
        }

        resumedFrom[0].Should().Be(1);
        resumedFrom[^1].Should().Be(2);
        recorder.States.Should().HaveCountGreaterThan(12, "three files are written, flushed and renamed");
    }

    [Fact]
    public void A_full_disk_at_any_step_of_a_checkpoint_keeps_a_whole_checkpoint_and_says_which()
    {
        var dryRun = new FailingAtStep(int.MaxValue);
        WriteEpochOneThenTwo(Path.Combine(root, "probe"), dryRun);
        int commit = dryRun.Seen.FindIndex(step => step == VaeLib.Storage.StorageStep.Renamed);
        double[] uninterrupted = Resume(checkpoint: null);

        for (int failing = 0; failing < dryRun.Seen.Count; failing++)
        {
            string folder = Path.Combine(root, $"full-{failing}");
            Action write = () => WriteEpochOneThenTwo(folder, new FailingAtStep(failing));

            int kept = failing < commit ? 1 : 2;
            write.Should().Throw<IOException>().WithMessage($"*{folder}*checkpoint of epoch 2 cannot be written*No space left on device*keeps its complete checkpoint of epoch {kept}*");
            var resumedFrom = new List<int>();
            Resume(folder, resumedFrom, $"a full disk at step {failing}").Should().Equal(uninterrupted, (a, b) => Math.Abs(a - b) <= 1e-6 * Math.Abs(b));
            resumedFrom.Should().Equal(kept);
            Directory.GetFiles(folder).Select(Path.GetFileName).Should().BeEquivalentTo(["checkpoint.json", "weights.bin", "optimizer.bin"]);
        }
    }

    public void Dispose()
    {
        data.Dispose();
        Directory.Delete(root, recursive: true);
    }

    /// <summary>Writes a checkpoint of epoch 1 into the folder, then, through the observer, one of epoch 2 over it.</summary>
    private void WriteEpochOneThenTwo(string folder, VaeLib.Storage.IStorageObserver observer)
    {
        manual_seed(1);
        using var model = VariationalAutoencoder.CreateMlp(data.ItemShape, latentSize: 2, hiddenSizes: [8]);
        using (var first = new Trainer(model, Options(epochs: 1, checkpoint: folder)))
        {
            first.Fit(data);
        }

        using var second = new Trainer(model, Options(epochs: 2, checkpoint: null));
        second.LoadCheckpoint(folder);
        second.Fit(data);
        second.SaveCheckpoint(folder, observer);
    }

    /// <summary>Trains to the last epoch, from a checkpoint when one is given (writing one there at the end), and returns every epoch's loss.</summary>
    private double[] Resume(string? checkpoint, List<int>? resumedFrom = null, string? where = null)
    {
        // Other weights than the run's on purpose: the checkpoint must restore them.
        manual_seed(checkpoint is null ? 1 : 99);
        using var model = VariationalAutoencoder.CreateMlp(data.ItemShape, latentSize: 2, hiddenSizes: [8]);
        using var trainer = new Trainer(model, Options(Epochs, checkpoint));
        if (checkpoint is not null)
        {
            try
            {
                trainer.LoadCheckpoint(checkpoint);
            }
            catch (VaeLib.Persistence.ModelFormatException exception)
            {
                throw new InvalidOperationException($"The checkpoint after {where} does not load: {exception.Message}", exception);
            }

            resumedFrom!.Add(trainer.CompletedEpochs);
        }

        return trainer.Fit(data).Epochs.Select(report => report.TrainLoss).ToArray();
    }

    private static TrainerOptions Options(int epochs, string? checkpoint) =>
        new() { Epochs = epochs, BatchSize = 32, Device = ComputeDevice.Cpu, Seed = 7, CheckpointDirectory = checkpoint };
}
