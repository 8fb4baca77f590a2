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
    /// <summary>
    /// The most values (images × values per image) one picture may hold: 2^25, 128 MiB of float32; its PNG grid, at
    /// twice the size with padding, about four times that.
    /// </summary>
    private const long MaxPictureValues = 1L << 25;

    public static Command Sample()
    {
        var shared = new ModelCommandOptions("samples.png");
        var count = new Option<int>("--n") { Description = "Number of samples.", DefaultValueFactory = _ => 64 };
        var label = LabelOption("For a conditional model: generate this label only (a name or index; default: one row of eight per label).");
        var command = new Command("sample", "Generate new items from the prior z ~ N(0, I) and write them as a PNG grid.") { count, label };
        shared.AddTo(command);
        command.SetAction(result =>
        {
            int n = result.GetValue(count);
            using SavedModel saved = shared.Load(result);
            RequireImages(saved.Model);
            CheckPicture(n, saved.Model, "--n");
            int? chosen = ChosenLabel(saved, result.GetValue(label));
            using var scope = NewDisposeScope();
            using var generator = new Generator((ulong)result.GetValue(shared.Seed));
            VariationalAutoencoder model = saved.Model;
            Tensor samples = model.IsConditional
                ? model.Sample(ConditionLabels.OneHot(model, Enumerable.Range(0, n).Select(i => chosen ?? (i / 8 % model.ConditionSize)).ToArray()), generator)
                : model.Sample(n, generator);
            return Write(samples, result.GetValue(shared.Output)!, columns: 8);
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
            int n = result.GetValue(count);
            using SavedModel saved = shared.Load(result);
            RequireImages(saved.Model);
            CheckPicture(2L * n, saved.Model, "--n");
            using OpenedData splits = ModelData.OpenFor(saved, result.GetValue(data), result.GetValue(shared.Seed));
            using var scope = NewDisposeScope();
            Tensor indices = arange(Math.Min(n, splits.Test.Count));
            Tensor inputs = splits.Test.GetBatch(indices).to(saved.Model.Device);
            Tensor reconstructions = saved.Model.Reconstruct(inputs, ConditionLabels.For(saved.Model, splits.Test, indices));
            return Write(cat([inputs, reconstructions], 0), result.GetValue(shared.Output)!, columns: (int)inputs.shape[0]);
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
        var label = LabelOption("For a conditional model: the label the path is decoded with (default: the first item's, or the first label with --prior).");
        var command = new Command("interpolate", "Decode points along the linear (first row) and spherical (second row) paths between two codes.") { data, from, to, prior, steps, label };
        shared.AddTo(command);
        command.SetAction(result =>
        {
            int frames = result.GetValue(steps);
            using SavedModel saved = shared.Load(result);
            RequireImages(saved.Model);
            CheckPicture(2L * frames, saved.Model, "--steps");
            using var scope = NewDisposeScope();
            VariationalAutoencoder model = saved.Model;
            int? chosen = ChosenLabel(saved, result.GetValue(label));
            Tensor ends;
            Tensor? pathCondition = null;
            if (result.GetValue(prior))
            {
                using var generator = new Generator((ulong)result.GetValue(shared.Seed));
                ends = model.Prior.Sample(2, model.Device, generator);
                pathCondition = model.IsConditional ? ConditionLabels.OneHot(model, [chosen ?? 0]) : null;
            }
            else
            {
                using OpenedData splits = ModelData.OpenFor(saved, result.GetValue(data), result.GetValue(shared.Seed));
                Tensor indices = tensor(new[] { Index(result.GetValue(from), splits.Test.Count, "--from"), Index(result.GetValue(to), splits.Test.Count, "--to") });
                Tensor? conditions = ConditionLabels.For(model, splits.Test, indices);
                using (no_grad())
                {
                    ends = model.Encode(splits.Test.GetBatch(indices).to(model.Device), conditions).Mean;
                }

                pathCondition = conditions is null ? null : chosen is int labelIndex ? ConditionLabels.OneHot(model, [labelIndex]) : conditions[..1];
            }

            Tensor codes = cat([LatentPaths.Linear(ends[0], ends[1], frames), LatentPaths.Spherical(ends[0], ends[1], frames)], 0);
            return Write(Decode(model, codes, pathCondition), result.GetValue(shared.Output)!, columns: frames);
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
        var label = LabelOption("For a conditional model: the label to decode with (default: the --from item's, or the first label).");
        var command = new Command("traverse", "Vary one latent dimension at a time while holding the others: one row per dimension.") { data, from, range, steps, dimensions, label };
        shared.AddTo(command);
        command.SetAction(result =>
        {
            int frames = result.GetValue(steps);
            double halfWidth = result.GetValue(range);
            int? requested = result.GetValue(dimensions);
            using SavedModel saved = shared.Load(result);
            RequireImages(saved.Model);
            VariationalAutoencoder model = saved.Model;
            int shown = requested is int wanted ? Math.Min(wanted, (int)model.LatentSize) : (int)Math.Min(model.LatentSize, 20);
            CheckPicture((long)shown * frames, model, "--dims and --steps");
            using var scope = NewDisposeScope();
            int? chosen = ChosenLabel(saved, result.GetValue(label));
            Tensor origin = zeros(model.LatentSize, device: model.Device);
            Tensor? condition = model.IsConditional ? ConditionLabels.OneHot(model, [chosen ?? 0]) : null;
            if (result.GetValue(from) is int item)
            {
                using OpenedData splits = ModelData.OpenFor(saved, result.GetValue(data), result.GetValue(shared.Seed));
                Tensor index = tensor(new[] { Index(item, splits.Test.Count, "--from") });
                Tensor? itemCondition = ConditionLabels.For(model, splits.Test, index);
                using (no_grad())
                {
                    origin = model.Encode(splits.Test.GetBatch(index).to(model.Device), itemCondition).Mean[0];
                }

                condition = chosen is null ? itemCondition : condition;
            }

            Tensor codes = LatentPaths.Traverse(origin, Enumerable.Range(0, shown).ToArray(), halfWidth, frames);
            return Write(Decode(model, codes, condition), result.GetValue(shared.Output)!, columns: frames);
        });
        return command;
    }

    private static Option<string?> DataOption() => ModelData.Option();

    /// <summary>Decodes codes <c>[M, D]</c>; a conditional model's single condition <c>[1, C]</c> is used for every code.</summary>
    private static Tensor Decode(VariationalAutoencoder model, Tensor codes, Tensor? condition = null)
    {
        using var noGrad = no_grad();
        Tensor? repeated = condition?.expand(codes.size(0), -1);
        return model.Likelihood.Mean(model.Decode(codes, repeated));
    }

    private static Option<string?> LabelOption(string description) => new("--label") { Description = description };

    /// <summary>The label index a --label value names, or null when none was given; refused for an unconditional model.</summary>
    private static int? ChosenLabel(SavedModel saved, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (!saved.Model.IsConditional)
        {
            throw new UsageException("--label applies to conditional models (trained with --condition label); this one is not.");
        }

        return ConditionLabels.Resolve(ConditionLabels.Of(saved), value);
    }

    private static void RequireImages(VariationalAutoencoder model)
    {
        if (model.InputShape.Count != 3)
        {
            throw new UsageException($"This model's items have shape [{string.Join(", ", model.InputShape)}]; pictures need images [C, H, W].");
        }
    }

    /// <summary>Refuses a picture of more than <see cref="MaxPictureValues"/> values before any of it is decoded.</summary>
    private static void CheckPicture(long images, VariationalAutoencoder model, string options)
    {
        long values = images * Shapes.ElementCount(model.InputShape);
        if (values > MaxPictureValues)
        {
            throw new UsageException(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"{options}: the picture would hold {images:N0} images of {Shapes.Format(model.InputShape)}, {values:N0} values ({VaeArchitecture.FormatFloatBytes(values)} as float32); at most {MaxPictureValues:N0} values fit in one picture. Lower {options}."));
        }
    }

    private static int Write(Tensor images, string path, int columns)
    {
        ImageGrid.SavePng(images, path, columns);
        Console.WriteLine($"Wrote {path}");
        return ExitCodes.Success;
    }

    private static long Index(int value, long count, string name) =>
        value >= 0 && value < count ? value : throw new UsageException($"{name} must be a test item index in [0, {count}); found {value}.");
}
