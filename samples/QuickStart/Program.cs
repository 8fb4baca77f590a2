// QuickStart: train a VAE on procedurally drawn sprites (no files, no downloads), then look at what it generates.
using VaeLib;
using VaeLib.Data;
using VaeLib.Training;
using VaeLib.Visualization;
using static TorchSharp.torch;

VaeLib.Runtime.NativeAllocator.ReuseHeapForTensorBuffers(); // minibatch buffers reused without page faults (Linux)
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

const int ImageSize = 20;
using var training = SpritesDataset.Generate(new SpritesOptions { Count = 8000, ImageSize = ImageSize, Seed = 1 });
using var validation = SpritesDataset.Generate(new SpritesOptions { Count = 1000, ImageSize = ImageSize, Seed = 2 });

manual_seed(1); // the initial weights; the trainer seeds shuffling and sampling itself
var model = VariationalAutoencoder.CreateMlp(training.ItemShape, latentSize: 8, hiddenSizes: [256, 128]);
using var trainer = new Trainer(model, new TrainerOptions { Epochs = 15, BatchSize = 64, LearningRate = 2e-3, Seed = 1 });
Console.WriteLine($"Training a VAE (MLP 400-256-128-8) on {training.Count} sprites of {ImageSize}x{ImageSize} on {trainer.Device.type}. Ctrl-C stops.");
Console.WriteLine(" epoch   seconds   samples/s   train loss (recon + KL)       validation loss");

TrainingHistory history = trainer.Fit(training, validation, new ConsoleProgress(), cancellationToken: cancellation.Token);
if (history.Epochs.Count == 0)
{
    Console.WriteLine("Cancelled before the first epoch ended.");
    return 0;
}

model.eval();
using (var generator = new Generator(7, trainer.Device))
{
    Console.WriteLine();
    Console.WriteLine("New sprites generated from the prior z ~ N(0, I):");
    Console.Write(TextImage.Render(model.Sample(4, generator)));
}

using (var scope = NewDisposeScope())
{
    Tensor inputs = validation.GetBatch(arange(4L)).to(trainer.Device);
    Console.WriteLine();
    Console.WriteLine("Validation sprites:");
    Console.Write(TextImage.Render(inputs));
    Console.WriteLine("Their reconstructions:");
    Console.Write(TextImage.Render(model.Reconstruct(inputs)));
}

double first = history.Epochs[0].TrainLoss;
double last = history.Epochs[^1].TrainLoss;
Console.WriteLine();
Console.WriteLine($"Training loss fell from {first:F2} to {last:F2} nats per sprite{(history.WasCancelled ? " (cancelled early)" : string.Empty)}.");
return last < first || history.Epochs.Count == 1 ? 0 : 1;

/// <summary>Prints one line per epoch as soon as it ends (on the training thread, so lines stay in order).</summary>
internal sealed class ConsoleProgress : IProgress<EpochReport>
{
    public void Report(EpochReport value) => Console.WriteLine(
        $"{value.Epoch,4}/{value.Epochs,-3} {value.Seconds,7:F2} {value.SamplesPerSecond,11:F0}   {value.TrainLoss,8:F2} ({value.TrainReconstruction:F2} + {value.TrainKl:F2})   {value.Validation?.Loss,10:F2}");
}
