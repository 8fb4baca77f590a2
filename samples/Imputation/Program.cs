// Imputation: train a VAE on Fashion-MNIST, hide the bottom half of test images, and fill it in by iterating the
// model (pseudo-Gibbs and Metropolis-within-Gibbs); compare the squared error with filling in the per-pixel mean.
// Usage: dotnet run --project samples/Imputation -c Release -- [--epochs 5] [--items 1000] [--iterations 50]
using TorchSharp;
using VaeLib;
using VaeLib.Data;
using VaeLib.Imputation;
using VaeLib.Training;
using VaeLib.Visualization;
using static TorchSharp.torch;

VaeLib.Runtime.NativeAllocator.ReuseHeapForTensorBuffers(); // minibatch buffers reused without page faults (Linux)
int epochs = int.Parse(Argument(args, "--epochs", "5"), System.Globalization.CultureInfo.InvariantCulture);
int items = int.Parse(Argument(args, "--items", "1000"), System.Globalization.CultureInfo.InvariantCulture);
int iterations = int.Parse(Argument(args, "--iterations", "50"), System.Globalization.CultureInfo.InvariantCulture);

DataSplits splits;
try
{
    splits = IdxDataLoader.LoadKnown(KnownDataSources.FashionMnist);
}
catch (DataFormatException exception)
{
    Console.Error.WriteLine($"error: {exception.Message}");
    return 1;
}

using (splits)
{
    manual_seed(1);
    var model = VariationalAutoencoder.CreateMlp(splits.Train.ItemShape, latentSize: 20, hiddenSizes: [400]);
    using var trainer = new Trainer(model, new TrainerOptions { Epochs = epochs, BatchSize = 128, LearningRate = 1e-3, Seed = 1 });
    Console.WriteLine($"Training on {splits.Train.Count} Fashion-MNIST images for {epochs} epochs on {trainer.Device.type}.");
    trainer.Fit(splits.Train, progress: new Progress());
    model.eval();

    using var scope = NewDisposeScope();
    Tensor originals = splits.Test.GetBatch(arange(Math.Min(items, splits.Test.Count))).to(trainer.Device);
    Tensor observed = ImputationMasks.BottomHalf(model.InputShape).expand(originals.shape).contiguous().to(trainer.Device);
    Tensor missing = observed.logical_not();
    Tensor pixelMean = DatasetStatistics.Mean(splits.Train).to(trainer.Device);
    double Error(Tensor estimate) => (estimate - originals).pow(2).masked_select(missing).mean().item<float>();

    Console.WriteLine($"Bottom half of {originals.shape[0]} test images hidden; mean squared error over the hidden pixels (intensities in [0, 1]):");
    Console.WriteLine($"  {"per-pixel training mean",-48} {Error(where(observed, originals, pixelMean)):F4}");
    Tensor? shown = null;
    foreach (ImputationMethod method in new[] { ImputationMethod.PseudoGibbs, ImputationMethod.MetropolisWithinGibbs })
    {
        // Bernoulli draws are black or white; putting the mean instead keeps the chain on grey-level images.
        foreach (bool sample in new[] { false, true })
        {
            using var generator = new Generator(1);
            var imputer = new Imputer(model, new ImputationOptions { Method = method, Iterations = iterations, AveragedIterations = iterations / 2, SampleMissing = sample });
            ImputationResult result = imputer.Impute(originals, observed, pixelMean, generator);
            string name = $"{method}, x_m {(sample ? "drawn ~ Bernoulli" : "set to the mean")}";
            Console.WriteLine($"  {name,-48} {Error(result.Imputed):F4}   (acceptance {result.AcceptanceRate:P0})");
            shown ??= result.Imputed;
        }
    }

    long[] first = Enumerable.Range(0, 12).Select(i => (long)i).ToArray();
    Tensor picked = tensor(first, device: trainer.Device);
    Tensor masked = where(observed, originals, full_like(originals, 0.5f));
    ImageGrid.SavePng(cat([originals.index_select(0, picked), masked.index_select(0, picked), shown!.index_select(0, picked)], 0), "imputation.png", columns: 12);
    Console.WriteLine("Wrote imputation.png: originals, inputs with the bottom half hidden (grey), pseudo-Gibbs imputations (x_m set to the mean).");
}

return 0;

static string Argument(string[] args, string name, string fallback)
{
    int index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}

/// <summary>Prints one line per epoch.</summary>
internal sealed class Progress : IProgress<EpochReport>
{
    public void Report(EpochReport value) => Console.WriteLine($"  epoch {value.Epoch}/{value.Epochs}  train loss {value.TrainLoss:F2}  {value.Seconds:F1} s");
}
