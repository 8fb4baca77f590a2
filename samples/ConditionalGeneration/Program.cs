// ConditionalGeneration: a conditional VAE on Fashion-MNIST. The label is given to the encoder and the decoder,
// so you choose what to generate: one row per class in classes.png. Trained with KL warm-up and free bits.
// Usage: dotnet run --project samples/ConditionalGeneration -c Release [-- epochs [output.png]]
using VaeLib;
using VaeLib.Data;
using VaeLib.Training;
using VaeLib.Visualization;
using static TorchSharp.torch;

VaeLib.Runtime.NativeAllocator.ReuseHeapForTensorBuffers();
int epochs = args.Length > 0 && int.TryParse(args[0], out int requested) && requested > 0 ? requested : 10;
string output = args.Length > 1 ? args[1] : "classes.png";

DataSplits splits;
try
{
    splits = IdxDataLoader.LoadKnown("fashion-mnist");
}
catch (Exception exception) when (exception is DataFormatException or IOException)
{
    Console.Error.WriteLine($"error: {exception.Message}");
    Console.Error.WriteLine("This sample needs Fashion-MNIST: sudo apt-get install dataset-fashion-mnist");
    return 1;
}

using (splits)
using (var training = ConditionedDataset.FromLabels(splits.Train))
using (var test = ConditionedDataset.FromLabels(splits.Test))
{
    int classes = training.ConditionSize;
    manual_seed(1);
    using var model = VariationalAutoencoder.CreateMlp(training.ItemShape, latentSize: 20, hiddenSizes: [400], conditionSize: classes);
    var options = new TrainerOptions { Epochs = epochs, KlWarmupEpochs = Math.Min(3, epochs), FreeBits = 0.1, Seed = 1 };
    using var trainer = new Trainer(model, options);
    Console.WriteLine($"Training a conditional VAE (784-400-20, given one of {classes} labels) on {training.Count} images for {epochs} epochs on {trainer.Device.type}.");
    TrainingHistory history = trainer.Fit(training, test, new ConsoleProgress());

    model.eval();
    using var scope = NewDisposeScope();
    using var generator = new Generator(7);
    // Ten samples per class, one class per row: the same prior draws z give each row its own garment.
    const int PerClass = 10;
    int[] labels = Enumerable.Range(0, classes * PerClass).Select(i => i / PerClass).ToArray();
    Tensor z = randn([PerClass, model.LatentSize], generator: generator).repeat(classes, 1);
    Tensor images;
    using (no_grad())
    {
        images = model.Likelihood.Mean(model.Decode(z, ConditionedDataset.OneHot(labels, classes)));
    }

    ImageGrid.SavePng(images, output, columns: PerClass);
    Console.WriteLine($"Rows are {string.Join(", ", splits.Train.LabelNames)}; each column shares one z.");
    Console.WriteLine($"Wrote {Path.GetFullPath(output)}; final test loss {history.Epochs[^1].Validation?.Loss:F2} nats.");
    return 0;
}

/// <summary>Prints one line per epoch as soon as it ends (on the training thread, so lines stay in order).</summary>
internal sealed class ConsoleProgress : IProgress<EpochReport>
{
    public void Report(EpochReport value) => Console.WriteLine(
        $"epoch {value.Epoch}/{value.Epochs}: train {value.TrainLoss:F2} (recon {value.TrainReconstruction:F2}, KL {value.TrainKl:F2}), test {value.Validation?.Loss:F2}");
}
