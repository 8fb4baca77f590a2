using System.CommandLine;
using TorchSharp;
using VaeLib.Data;
using VaeLib.Latent;
using VaeLib.Persistence;
using VaeLib.Training;
using VaeLib.Visualization;
using static TorchSharp.torch;

namespace VaeLib.Cli.Commands;

/// <summary>The commands that load a saved model and draw pictures with it.</summary>
internal static class ModelCommands
{
    private const int MaxItems = 4096;

    public static Command Sample()
    {
        var shared = new ModelCommandOptions("samples.png");
        var count = new Option<int>("--n") { Description = "Number of samples.", DefaultValueFactory = _ => 64 };
        var command = new Command("sample", "Generate new items from the prior z ~ N(0, I) and write them as a PNG grid.") { count };
        shared.AddTo(command);
        command.SetAction(result =>
        {
            int n = Count(result.GetValue(count));
            using SavedModel saved = shared.Load(result);
            RequireImages(saved.Model);
            using var scope = NewDisposeScope();
            using var generator = new Generator((ulong)result.GetValue(shared.Seed));
            return Write(saved.Model.Sample(n, generator), result.GetValue(shared.Output)!, columns: 8);
        });
        return command;
    }

    public static Command Reconstruct()
    {
        var shared = new ModelCommandOptions("reconstructions.png");
        var data = DataOption();
        var count = new Option<int>("--n") { Description = "Number of test items.", DefaultValueFactory = _ => 16 };
        var command = new Command("reconstruct", "Encode test items and decode them: inputs above reconstructions.") { data, count };
        shared.AddTo(command);
        command.SetAction(result =>
        {
            int n = Count(result.GetValue(count));
            using SavedModel saved = shared.Load(result);
            RequireImages(saved.Model);
            using OpenedData splits = ModelData.OpenFor(saved, result.GetValue(data), result.GetValue(shared.Seed));
            using var scope = NewDisposeScope();
            Tensor inputs = splits.Test.GetBatch(arange(Math.Min(n, splits.Test.Count))).to(saved.Model.Device);
            return Write(cat([inputs, saved.Model.Reconstruct(inputs)], 0), result.GetValue(shared.Output)!, columns: (int)inputs.shape[0]);
        });
        return command;
    }

    public static Command Interpolate()
    {
        var shared = new ModelCommandOptions("interpolation.png");
        var data = DataOption();
        var from = new Option<int>("--from") { Description = "Index of the first test item.", DefaultValueFactory = _ => 0 };
        var to = new Option<int>("--to") { Description = "Index of the second test item.", DefaultValueFactory = _ => 1 };
        var prior = new Option<bool>("--prior") { Description = "Interpolate between two random prior points instead of two inputs." };
        var steps = new Option<int>("--steps") { Description = "Frames per path, the ends included.", DefaultValueFactory = _ => 10 };
        var command = new Command("interpolate", "Decode points along the linear (first row) and spherical (second row) paths between two codes.") { data, from, to, prior, steps };
        shared.AddTo(command);
        command.SetAction(result =>
        {
            int frames = AtLeastTwo(result.GetValue(steps), "--steps");
            using SavedModel saved = shared.Load(result);
            RequireImages(saved.Model);
            using var scope = NewDisposeScope();
            VariationalAutoencoder model = saved.Model;
            Tensor ends;
            if (result.GetValue(prior))
            {
                using var generator = new Generator((ulong)result.GetValue(shared.Seed));
                ends = StandardNormalPrior.Sample(2, model.LatentSize, model.Device, generator);
            }
            else
            {
                using OpenedData splits = ModelData.OpenFor(saved, result.GetValue(data), result.GetValue(shared.Seed));
                long[] indices = [Index(result.GetValue(from), splits.Test.Count, "--from"), Index(result.GetValue(to), splits.Test.Count, "--to")];
                using (no_grad())
                {
                    ends = model.Encode(splits.Test.GetBatch(tensor(indices)).to(model.Device)).Mean;
                }
            }

            Tensor codes = cat([LatentPaths.Linear(ends[0], ends[1], frames), LatentPaths.Spherical(ends[0], ends[1], frames)], 0);
            return Write(Decode(model, codes), result.GetValue(shared.Output)!, columns: frames);
        });
        return command;
    }

    public static Command Traverse()
    {
        var shared = new ModelCommandOptions("traversal.png");
        var data = DataOption();
        var from = new Option<int?>("--from") { Description = "Start from this test item's μ (default: the prior's mean, z = 0)." };
        var range = new Option<double>("--range") { Description = "Each dimension sweeps [-range, range].", DefaultValueFactory = _ => 3.0 };
        var steps = new Option<int>("--steps") { Description = "Values per dimension.", DefaultValueFactory = _ => 9 };
        var dimensions = new Option<int?>("--dims") { Description = "How many dimensions to show, from the first (default: all, at most 20)." };
        var command = new Command("traverse", "Vary one latent dimension at a time while holding the others: one row per dimension.") { data, from, range, steps, dimensions };
        shared.AddTo(command);
        command.SetAction(result =>
        {
            int frames = AtLeastTwo(result.GetValue(steps), "--steps");
            double halfWidth = result.GetValue(range);
            if (!(halfWidth > 0) || !double.IsFinite(halfWidth))
            {
                throw new UsageException("--range must be a positive number.");
            }

            int? requested = result.GetValue(dimensions);
            if (requested is <= 0)
            {
                throw new UsageException($"--dims must be positive; found {requested}.");
            }

            using SavedModel saved = shared.Load(result);
            RequireImages(saved.Model);
            using var scope = NewDisposeScope();
            VariationalAutoencoder model = saved.Model;
            int shown = requested is int wanted ? Math.Min(wanted, (int)model.LatentSize) : (int)Math.Min(model.LatentSize, 20);
            Tensor origin = zeros(model.LatentSize, device: model.Device);
            if (result.GetValue(from) is int item)
            {
                using OpenedData splits = ModelData.OpenFor(saved, result.GetValue(data), result.GetValue(shared.Seed));
                using (no_grad())
                {
                    origin = model.Encode(splits.Test.GetBatch(tensor(new[] { Index(item, splits.Test.Count, "--from") })).to(model.Device)).Mean[0];
                }
            }

            Tensor codes = LatentPaths.Traverse(origin, Enumerable.Range(0, shown).ToArray(), halfWidth, frames);
            return Write(Decode(model, codes), result.GetValue(shared.Output)!, columns: frames);
        });
        return command;
    }

    private static Option<string?> DataOption() => ModelData.Option();

    private static Tensor Decode(VariationalAutoencoder model, Tensor codes)
    {
        using var noGrad = no_grad();
        return model.Likelihood.Mean(model.Decode(codes));
    }

    private static void RequireImages(VariationalAutoencoder model)
    {
        if (model.InputShape.Count != 3)
        {
            throw new UsageException($"This model's items have shape [{string.Join(", ", model.InputShape)}]; pictures need images [C, H, W].");
        }
    }

    private static int Count(int value) =>
        value is > 0 and <= MaxItems ? value : throw new UsageException($"--n must be between 1 and {MaxItems}; found {value}.");

    private static int Write(Tensor images, string path, int columns)
    {
        ImageGrid.SavePng(images, path, columns);
        Console.WriteLine($"Wrote {path}");
        return ExitCodes.Success;
    }

    private static int AtLeastTwo(int value, string name) => value >= 2 ? value : throw new UsageException($"{name} must be at least 2; found {value}.");

    private static long Index(int value, long count, string name) =>
        value >= 0 && value < count ? value : throw new UsageException($"{name} must be a test item index in [0, {count}); found {value}.");
}
