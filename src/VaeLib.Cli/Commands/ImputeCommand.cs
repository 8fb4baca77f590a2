using System.CommandLine;
using System.Globalization;
using System.Text;
using TorchSharp;
using VaeLib.Data;
using VaeLib.Imputation;
using VaeLib.Persistence;
using VaeLib.Storage;
using VaeLib.Visualization;
using static TorchSharp.torch;

namespace VaeLib.Cli.Commands;

/// <summary>
/// <c>vae impute</c>: fills missing entries with a saved model, either a masked region of test images (a picture of
/// originals, masked inputs and imputations) or the empty cells of a CSV file (the file written back, filled).
/// </summary>
internal static class ImputeCommand
{
    private const int MaxItems = 1024;

    public static Command Create()
    {
        var shared = new ModelCommandOptions("impute.png");
        shared.Output.Description = "The file to write: a PNG for images (default impute.png), a CSV for --csv (default filled.csv).";
        var data = ModelData.Option();
        var csv = new Option<string?>("--csv") { Description = "A CSV file with the model's columns; its empty cells are imputed and the file is written to --out." };
        var mask = new Option<string>("--mask") { Description = "Images: the hidden region, bottom, right, center or random[:fraction] (default fraction 0.5).", DefaultValueFactory = _ => "bottom" };
        var count = new Option<int>("--n") { Description = "Images: number of test items.", DefaultValueFactory = _ => 16 };
        var method = new Option<string>("--method") { Description = "gibbs: pseudo-Gibbs; metropolis: Metropolis-within-Gibbs.", DefaultValueFactory = _ => "gibbs" };
        method.AcceptOnlyFromAmong("gibbs", "metropolis");
        var iterations = new Option<int>("--iterations") { Description = "Steps of the chain; the second half is averaged.", DefaultValueFactory = _ => 50 };
        var step = new Option<string>("--missing-step") { Description = "Each step puts x_m ~ p(x_m|z) (sample, the samplers as defined) or E[x_m|z] (mean).", DefaultValueFactory = _ => "sample" };
        step.AcceptOnlyFromAmong("sample", "mean");
        var command = new Command("impute", "Fill missing entries by iterating the model: a masked region of images, or the empty cells of a CSV file.") { data, csv, mask, count, method, iterations, step };
        shared.AddTo(command);
        command.SetAction(result =>
        {
            int steps = result.GetValue(iterations);
            if (steps is < 2 or > 100_000)
            {
                throw new UsageException($"--iterations must be between 2 and 100000; found {steps}.");
            }

            using SavedModel saved = shared.Load(result);
            ConditionLabels.RequireUnconditional(saved, "impute");
            bool sample = result.GetValue(step) == "sample";
            var options = new ImputationOptions
            {
                Method = result.GetValue(method) == "metropolis" ? ImputationMethod.MetropolisWithinGibbs : ImputationMethod.PseudoGibbs,
                Iterations = steps,
                AveragedIterations = steps / 2,
                SampleMissing = sample,
            };
            var imputer = new Imputer(saved.Model, options);
            using var generator = new Generator((ulong)result.GetValue(shared.Seed));
            bool outputGiven = result.GetResult(shared.Output) is { Implicit: false };
            string? table = result.GetValue(csv);
            if (table is not null)
            {
                string output = outputGiven ? result.GetValue(shared.Output)! : "filled.csv";
                return ImputeCsv(saved, imputer, generator, table, output);
            }

            if (saved.Model.InputShape.Count != 3)
            {
                throw new UsageException($"This model's items have shape [{string.Join(", ", saved.Model.InputShape)}]; use --csv FILE to impute a table's empty cells.");
            }

            int n = result.GetValue(count) is var value and > 0 and <= MaxItems ? value : throw new UsageException($"--n must be between 1 and {MaxItems}; found {result.GetValue(count)}.");
            using OpenedData opened = ModelData.OpenFor(saved, result.GetValue(data), result.GetValue(shared.Seed));
            return ImputeImages(saved.Model, imputer, generator, opened, ParseMask(result.GetValue(mask)!), n, result.GetValue(shared.Output)!);
        });
        return command;
    }

    private static int ImputeImages(VariationalAutoencoder model, Imputer imputer, Generator generator, OpenedData opened, (string Kind, double Fraction) mask, int n, string output)
    {
        using var scope = NewDisposeScope();
        Tensor originals = opened.Test.GetBatch(arange(Math.Min(n, opened.Test.Count))).to(model.Device);
        long[] shape = Shapes.Of(originals);
        Tensor observed = (mask.Kind switch
        {
            "bottom" => ImputationMasks.BottomHalf(model.InputShape).expand(shape),
            "right" => ImputationMasks.RightHalf(model.InputShape).expand(shape),
            "center" => ImputationMasks.Center(model.InputShape).expand(shape),
            _ => ImputationMasks.Random(shape, mask.Fraction, generator),
        }).contiguous().to(model.Device);

        // Items with nothing left to see (possible with a random mask near 1) keep one pixel each.
        observed.flatten(1)[.., 0].logical_or_(observed.flatten(1).any(1).logical_not());
        Tensor pixelMean = DatasetStatistics.Mean(opened.Train).to(model.Device);
        Tensor imputed = imputer.Impute(originals, observed, pixelMean, generator).Imputed;
        Tensor masked = where(observed, originals, full_like(originals, 0.5f));
        Tensor missing = observed.logical_not();
        double vaeError = SquaredError(imputed, originals, missing);
        double meanError = SquaredError(where(observed, originals, pixelMean.expand(shape)), originals, missing);
        ImageGrid.SavePng(cat([originals, masked, imputed], 0), output, columns: (int)shape[0]);
        Console.WriteLine($"Wrote {output}: rows are the originals, the inputs (missing pixels grey) and the imputations.");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Mean squared error on the missing pixels: {vaeError:F4} (imputed), {meanError:F4} (per-pixel training mean)."));
        return ExitCodes.Success;
    }

    private static double SquaredError(Tensor estimate, Tensor truth, Tensor missing) =>
        (estimate - truth).pow(2).masked_select(missing).mean().item<float>();

    private static (string Kind, double Fraction) ParseMask(string text)
    {
        string[] parts = text.Split(':', 2);
        if (parts[0] is "bottom" or "right" or "center" && parts.Length == 1)
        {
            return (parts[0], 0);
        }

        if (parts[0] == "random")
        {
            if (parts.Length == 1)
            {
                return ("random", 0.5);
            }

            if (double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double fraction) && fraction > 0 && fraction < 1)
            {
                return ("random", fraction);
            }
        }

        throw new UsageException($"--mask must be bottom, right, center, random or random:FRACTION with FRACTION in (0, 1); found '{text}'.");
    }

    private static int ImputeCsv(SavedModel saved, Imputer imputer, Generator generator, string path, string output)
    {
        if (saved.Model.InputShape.Count != 1)
        {
            throw new UsageException($"--csv needs a model trained on a CSV file; this one reads items of shape [{string.Join(", ", saved.Model.InputShape)}].");
        }

        CsvStandardization standardization = CsvStandardization.FromMetadata(saved.Metadata)
            ?? throw new UsageException("--csv needs a model trained on a CSV file; this one has no saved CSV standardization.");
        string? labelColumn = ModelData.LabelColumnIn(path, saved.Metadata.GetValueOrDefault(DataSources.CsvLabelColumnKey));
        using CsvDataset table = CsvDataset.Load(path, new CsvOptions { LabelColumn = labelColumn, Standardization = standardization });
        using var scope = NewDisposeScope();
        Tensor rows = arange(table.Count);
        Tensor missing = table.GetMissingMask(rows);
        Tensor empty = missing.all(1);
        if (empty.any().item<bool>())
        {
            long first = empty.nonzero()[0, 0].item<long>();
            throw DataFormatException.For(path, $"data row {first + 1} has no values in the model's columns; there is nothing to impute it from.");
        }

        Tensor values = table.GetBatch(rows).to(saved.Model.Device);
        Tensor observed = missing.logical_not().to(saved.Model.Device);
        float[] imputed = imputer.Impute(values, observed, generator: generator).Imputed.cpu().data<float>().ToArray();
        bool[] absent = missing.data<bool>().ToArray();
        string filled = CsvCellFiller.Fill(path, labelColumn, standardization, imputed, absent);
        AtomicFile.Write(output, file => File.WriteAllText(file, filled));
        Console.WriteLine($"Wrote {output}: {absent.Count(a => a)} empty cells in {table.RowsWithMissingValues} of {table.Count} rows filled; every other byte as in {path}.");
        return ExitCodes.Success;
    }
}
