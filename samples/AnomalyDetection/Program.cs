// AnomalyDetection: train a VAE on Fashion-MNIST without one class, then score the test set and measure how well
// the scores (−ELBO and −IWAE log p(x)) pick out the class the model never saw, as a ROC AUC.
// Usage: dotnet run --project samples/AnomalyDetection -c Release -- [--holdout Trouser] [--epochs 5] [--iwae-samples 50]
using VaeLib;
using VaeLib.Data;
using VaeLib.Evaluation;
using VaeLib.Training;
using VaeLib.Visualization;
using static TorchSharp.torch;

VaeLib.Runtime.NativeAllocator.ReuseHeapForTensorBuffers(); // minibatch buffers reused without page faults (Linux)
string holdout = Argument(args, "--holdout", "Trouser");
int epochs = int.Parse(Argument(args, "--epochs", "5"), System.Globalization.CultureInfo.InvariantCulture);
int iwaeSamples = int.Parse(Argument(args, "--iwae-samples", "50"), System.Globalization.CultureInfo.InvariantCulture);

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
    int held = splits.Train.LabelNames.ToList().IndexOf(holdout);
    if (held < 0)
    {
        Console.Error.WriteLine($"error: --holdout '{holdout}' is not a Fashion-MNIST class; the classes are: {string.Join(", ", splits.Train.LabelNames)}.");
        return 2;
    }

    // Train on the nine other classes only; the test set keeps all ten, so the held-out class is the anomaly.
    DatasetSubset training = DatasetSubset.WhereLabel(splits.Train, label => label != held);
    manual_seed(1);
    var model = VariationalAutoencoder.CreateMlp(training.ItemShape, latentSize: 20, hiddenSizes: [400]);
    using var trainer = new Trainer(model, new TrainerOptions { Epochs = epochs, BatchSize = 128, LearningRate = 1e-3, Seed = 1 });
    Console.WriteLine($"Training on {training.Count} Fashion-MNIST images without '{holdout}' for {epochs} epochs on {trainer.Device.type}.");
    trainer.Fit(training, progress: new Progress());
    model.eval();

    bool[] isHeldOut = splits.Test.Labels.Select(label => label == held).ToArray();
    Console.WriteLine($"Scoring the {splits.Test.Count} test images ({isHeldOut.Count(h => h)} of them '{holdout}'); higher = more anomalous.");
    double[] ranking = [];
    foreach (bool relative in new[] { false, true })
    {
        foreach (var options in new[]
        {
            new AnomalyScorerOptions { Kind = AnomalyScoreKind.NegativeElbo, SampleCount = 16, RelativeToPerfectFit = relative },
            new AnomalyScorerOptions { Kind = AnomalyScoreKind.NegativeImportanceWeighted, SampleCount = iwaeSamples, RelativeToPerfectFit = relative },
        })
        {
            double[] scores = new AnomalyScorer(model, options).Score(splits.Test);
            double auc = RocAuc.Compute(scores, isHeldOut);
            int inTop = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).Take(100).Count(i => isHeldOut[i]);
            string name = (options.Kind == AnomalyScoreKind.NegativeElbo ? $"−ELBO (S = {options.SampleCount})" : $"−IWAE log p(x) (K = {options.SampleCount})")
                + (relative ? " − perfect fit" : string.Empty);
            Console.WriteLine($"  {name,-40} ROC AUC {auc:F4}   '{holdout}' among the 100 highest scores: {inTop}");
            ranking = relative && options.Kind == AnomalyScoreKind.NegativeElbo ? scores : ranking;
        }
    }

    // Plain likelihood scores rank images with many grey pixels first whatever their class (a Bernoulli likelihood
    // cannot fit grey levels well); relative to the perfect fit, what is left is how badly the model explains x.
    using var scope = NewDisposeScope();
    long[] top = Enumerable.Range(0, ranking.Length).OrderByDescending(i => ranking[i]).Take(32).Select(i => (long)i).ToArray();
    ImageGrid.SavePng(splits.Test.GetBatch(tensor(top)), "anomalies.png", columns: 8);
    Console.WriteLine("Wrote anomalies.png: the 32 test images with the highest −ELBO relative to the perfect fit, row by row.");
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
