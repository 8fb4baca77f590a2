using System.CommandLine;
using VaeLib.Data;
using VaeLib.Evaluation;
using VaeLib.Persistence;

namespace VaeLib.Cli.Commands;

/// <summary><c>vae encode</c>: a data set's latent codes (μ and σ) as CSV.</summary>
internal static class EncodeCommand
{
    public static Command Create()
    {
        var shared = new ModelCommandOptions("latents.csv", "The CSV file to write.");
        var data = ModelData.Option();
        var split = new Option<string>("--split") { Description = "Which part of the data to encode: test or train.", DefaultValueFactory = _ => "test" };
        split.AcceptOnlyFromAmong("test", "train");
        var command = new Command("encode", "Encode a data set to its latent codes: one CSV row per item with index, label (if any), mu_1…mu_D and sigma_1…sigma_D.") { data, split };
        shared.AddTo(command);
        command.SetAction(result =>
        {
            using SavedModel saved = shared.Load(result);
            ConditionLabels.RequireUnconditional(saved, "encode");
            using OpenedData splits = ModelData.OpenFor(saved, result.GetValue(data), result.GetValue(shared.Seed));
            IDataset items = result.GetValue(split) == "train" ? splits.Train : splits.Test;
            using LatentCodes codes = LatentCodes.Encode(saved.Model, items);
            string[]? labels = items is ILabeledDataset { Labels.Count: > 0 } labelled && labelled.Labels.Count == items.Count
                ? labelled.Labels.Select(label => label < labelled.LabelNames.Count ? labelled.LabelNames[label] : label.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()
                : null;
            string path = result.GetValue(shared.Output)!;
            codes.SaveCsv(path, labels);
            Console.WriteLine($"Wrote {path}: {codes.Count} items of {splits.Source} ({result.GetValue(split)} split), {codes.LatentSize} dimensions.");
            return ExitCodes.Success;
        });
        return command;
    }
}
