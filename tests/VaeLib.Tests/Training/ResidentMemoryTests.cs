using System.Diagnostics;
using VaeLib.Data;
using VaeLib.Runtime;
using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Tests.Training;

/// <summary>
/// Training on a data set of Fashion-MNIST's size must run in flat memory: resident memory after the last epoch
/// within 5 % of that after the second (the first grows the heap to its working size). Not timed.
/// </summary>
[Collection(GlobalRandomStateCollection.Name)] // alone: other tests' allocations would move this process's memory
public class ResidentMemoryTests
{
    [Fact]
    public void Resident_memory_after_the_last_epoch_is_within_5_percent_of_after_the_second()
    {
        NativeAllocator.ReuseHeapForTensorBuffers(); // as the vae app and the samples do

        // 60 000 images of 28×28 held as bytes, the MLP VAE 784-400-20, batch 128: Fashion-MNIST's training job.
        manual_seed(11);
        using var images = randint(0, 256, [60_000, 1, 28, 28], dtype: ScalarType.Byte);
        using var data = new ImageDataset(images, new int[60_000], ["none"]);
        using var model = VariationalAutoencoder.CreateMlp(data.ItemShape, latentSize: 20, hiddenSizes: [400]);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 5, BatchSize = 128, Device = ComputeDevice.Cpu });
        var resident = new List<double>();
        var afterEpoch = new SynchronousProgress<EpochReport>(_ =>
        {
            using var process = Process.GetCurrentProcess();
            resident.Add(process.WorkingSet64 / (1024.0 * 1024.0));
        });

        trainer.Fit(data, progress: afterEpoch);

        resident.Should().HaveCount(5);
        double growth = (resident[^1] / resident[1]) - 1;
        growth.Should().BeInRange(-0.05, 0.05, $"resident MB after each epoch were {string.Join(", ", resident.Select(mb => mb.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}");
    }

    [Fact]
    public void By_default_a_full_collection_runs_after_every_epoch()
    {
        using var data = SpritesDataset.Generate(new SpritesOptions { Count = 64, ImageSize = 12, Seed = 5 });
        using var model = VariationalAutoencoder.CreateMlp(data.ItemShape, latentSize: 2, hiddenSizes: [8]);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 4, BatchSize = 32, Device = ComputeDevice.Cpu });
        trainer.Options.CollectGarbageEachEpoch.Should().BeTrue();
        int before = GC.CollectionCount(GC.MaxGeneration);

        trainer.Fit(data);

        (GC.CollectionCount(GC.MaxGeneration) - before).Should().BeGreaterThanOrEqualTo(4);
    }
}
