using System.CommandLine;
using System.Globalization;
using System.Text;
using VaeLib.Data;
using VaeLib.Evaluation;
using VaeLib.Persistence;
using VaeLib.Storage;
using VaeLib.Visualization;
using static TorchSharp.torch;

namespace VaeLib.Cli.Commands;

/// <summary><c>vae anomaly</c>: scores every item of a split and writes them ranked, most anomalous first.</summary>
internal static class AnomalyCommand
{
    /// <summary>How many of the most anomalous images the picture shows.</summary>
    private const int PictureItems = 64;

    public static Command Create()
    {
        var shared = new ModelCommandOptions("anomalies.csv");
        shared.Output.Description = "The CSV file to write (rank, index, score, label); for images a PNG of the most anomalous items is written next to it.";
        var data = ModelData.Option();
        var split = new Option<string>("--split") { Description = "Which split to score.", DefaultValueFactory = _ => "test" };
        split.AcceptOnlyFromAmong("test", "train");
        var score = new Option<string>("--score") { Description = "elbo: −ELBO; iwae: −log p(x) by importance weighting (tighter, K times slower).", DefaultValueFactory = _ => "elbo" };
        score.AcceptOnlyFromAmong("elbo", "iwae");
        var samples = new Option<int>("--samples") { Description = "Samples of z per item (S for the ELBO, K for IWAE).", DefaultValueFactory = _ => 16 };
        var relative = new Option<bool>("--relative") { Description = "Subtract the perfect-fit bound −max log p(x|θ) (for a Bernoulli likelihood, the pixels' entropy), so items with many grey levels are not ranked first for that alone." };
        var anomalyLabel = new Option<string?>("--anomaly-label") { Description = "A label name to treat as the anomaly: prints the ROC AUC of the score for detecting it." };
        var command = new Command("anomaly", "Score each item by −ELBO or −IWAE log p(x) and write them ranked, most anomalous first.") { data, split, score, samples, relative, anomalyLabel };
        shared.AddTo(command);
        command.SetAction(result =>
        {
            int sampleCount = result.GetValue(samples);
            using SavedModel saved = shared.Load(result);
            ConditionLabels.RequireUnconditional(saved, "anomaly");
            using OpenedData opened = ModelData.OpenFor(saved, result.GetValue(data), result.GetValue(shared.Seed));
            IDataset items = result.GetValue(split) == "train" ? opened.Train : opened.Test;
            var labelled = items as ILabeledDataset is { } withLabels && withLabels.Labels.Count == items.Count ? withLabels : null;
            int? positiveLabel = PositiveLabel(result.GetValue(anomalyLabel), labelled, opened.Source);

            var options = new AnomalyScorerOptions
            {
                Kind = result.GetValue(score) == "iwae" ? AnomalyScoreKind.NegativeImportanceWeighted : AnomalyScoreKind.NegativeElbo,
                SampleCount = sampleCount,
                RelativeToPerfectFit = result.GetValue(relative),
                Seed = (ulong)result.GetValue(shared.Seed),
            };
            double[] scores = new AnomalyScorer(saved.Model, options).Score(items);
            int[] ranked = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).ToArray();

            string output = result.GetValue(shared.Output)!;
            string csv = Csv(ranked, scores, labelled);
            AtomicFile.Write(output, path => File.WriteAllText(path, csv));
            Console.WriteLine($"Wrote {output}: {scores.Length} {result.GetValue(split)} items ranked by {result.GetValue(score)} score (nats), most anomalous first.");
            if (saved.Model.InputShape.Count == 3)
            {
                string picture = Path.ChangeExtension(output, ".png");
                using var scope = NewDisposeScope();
                long[] top = ranked.Take(PictureItems).Select(i => (long)i).ToArray();
                ImageGrid.SavePng(items.GetBatch(tensor(top)), picture, columns: 8);
                Console.WriteLine($"Wrote {picture}: the {top.Length} most anomalous items, row by row.");
            }

            if (positiveLabel is int label)
            {
                bool[] isPositive = labelled!.Labels.Select(l => l == label).ToArray();
                double auc = RocAuc.Compute(scores, isPositive);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"ROC AUC for detecting '{labelled.LabelNames[label]}' ({isPositive.Count(p => p)} of {isPositive.Length} items): {auc:F4}"));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static int? PositiveLabel(string? name, ILabeledDataset? labelled, string source)
    {
        if (name is null)
        {
            return null;
        }

        if (labelled is null || labelled.LabelNames.Count == 0)
        {
            throw new UsageException($"--anomaly-label needs labelled data; {source} has no labels.");
        }

        int index = labelled.LabelNames.ToList().IndexOf(name);
        if (index < 0)
        {
            throw new UsageException($"--anomaly-label '{name}' is not a label of {source}; the labels are: {string.Join(", ", labelled.LabelNames)}.");
        }

        bool both = labelled.Labels.Any(l => l == index) && labelled.Labels.Any(l => l != index);
        return both ? index : throw new UsageException($"--anomaly-label '{name}': the split must hold items with and without that label to measure detection.");
    }

    private static string Csv(int[] ranked, double[] scores, ILabeledDataset? labelled)
    {
        var text = new StringBuilder(labelled is null ? "rank,index,score\n" : "rank,index,score,label\n");
        for (int rank = 0; rank < ranked.Length; rank++)
        {
            int index = ranked[rank];
            text.Append(CultureInfo.InvariantCulture, $"{rank + 1},{index},{scores[index]:R}");
            if (labelled is not null)
            {
                text.Append(',').Append(Quote(labelled.LabelNames[labelled.Labels[index]]));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? $"\"{cell.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : cell;
}
