using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VaeLib.Cli.Reporting;
using VaeLib.Data;
using VaeLib.Evaluation;
using VaeLib.Persistence;
using VaeLib.Storage;
using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Cli.Commands;

/// <summary><c>vae train</c>: trains a model and writes a run folder.</summary>
internal static class TrainCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static Command Create(Interrupts interrupts)
    {
        var data = new Option<string>("--data") { Description = "Data source: 'sprites' (built in, the default), 'fashion-mnist', an IDX or image folder, or a .csv file.", DefaultValueFactory = _ => DataSources.Sprites };
        var model = new Option<string>("--model") { Description = "Network family: mlp or conv.", DefaultValueFactory = _ => "mlp" };
        model.AcceptOnlyFromAmong("mlp", "conv");
        var hidden = new Option<int[]>("--hidden") { Description = "Hidden layer sizes of the encoder (the decoder mirrors them); for conv, the dense layer size.", DefaultValueFactory = _ => [400], AllowMultipleArgumentsPerToken = true };
        var latent = new Option<int>("--latent") { Description = "Dimension of z.", DefaultValueFactory = _ => 20 };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 10 };
        var batch = new Option<int>("--batch") { Description = "Minibatch size.", DefaultValueFactory = _ => 128 };
        var learningRate = new Option<double>("--lr") { Description = "Adam (or AdamW) learning rate.", DefaultValueFactory = _ => 1e-3 };
        var beta = new Option<double>("--beta") { Description = "KL weight β (1 is the ELBO).", DefaultValueFactory = _ => 1.0 };
        var likelihood = new Option<string>("--likelihood") { Description = "Observation model: bernoulli (images in [0, 1]), gaussian, or auto (bernoulli for images, gaussian for tables).", DefaultValueFactory = _ => "auto" };
        likelihood.AcceptOnlyFromAmong("auto", "bernoulli", "gaussian");
        var imageSize = new Option<int>("--image-size") { Description = "Side in pixels that images from a folder are resized to.", DefaultValueFactory = _ => 28 };
        var color = new Option<string>("--color") { Description = "Images from a folder as grayscale or rgb.", DefaultValueFactory = _ => "grayscale" };
        color.AcceptOnlyFromAmong("grayscale", "rgb");
        var labelColumn = new Option<string?>("--label-column") { Description = "For a CSV file: the column that holds labels (not a feature)." };
        var variance = new Option<double>("--variance") { Description = "Fixed variance c of the gaussian likelihood.", DefaultValueFactory = _ => 1.0 };
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda.", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        var seed = new Option<int>("--seed") { Description = "Seed of the weights, the shuffling, ε and the built-in data.", DefaultValueFactory = _ => 1 };
        var output = new Option<string?>("--out") { Description = "Run folder (default runs/<timestamp>)." };
        var metrics = new Option<string?>("--metrics") { Description = "Also write the per-epoch metrics (JSON lines) to this file." };
        var binarize = new Option<string>("--binarize") { Description = "Binarize image intensities per batch: none, static (threshold 0.5) or dynamic (sampled).", DefaultValueFactory = _ => "none" };
        binarize.AcceptOnlyFromAmong("none", "static", "dynamic");
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Write a training checkpoint (run folder/checkpoint) every N epochs.", DefaultValueFactory = _ => 1 };
        var maxGradNorm = new Option<double?>("--max-grad-norm") { Description = "Clip the gradients' total norm to this value (off by default)." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this folder from its last checkpoint, with its options (--epochs may raise the total)." };
        var quiet = new Option<bool>("--quiet") { Description = "Print nothing but errors and the run folder." };
        var klWarmup = new Option<int>("--kl-warmup") { Description = "KL warm-up: the KL weight rises linearly from 0 to β over this many epochs (0: off).", DefaultValueFactory = _ => 0 };
        var freeBits = new Option<double>("--free-bits") { Description = "Free bits: a floor, in nats per latent dimension, under each dimension's batch-mean KL in the loss (0: off).", DefaultValueFactory = _ => 0.0 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "Decoupled weight decay λ: above 0, train with AdamW (each step scales the weights by 1 − lr·λ before Adam's update); 0 keeps Adam.", DefaultValueFactory = _ => 0.0 };
        var samples = new Option<int>("--samples") { Description = "Monte Carlo samples of z per item in the loss.", DefaultValueFactory = _ => 1 };
        var condition = new Option<string>("--condition") { Description = "none, or label: train a conditional VAE given each item's one-hot label (encoder and decoder).", DefaultValueFactory = _ => "none" };
        condition.AcceptOnlyFromAmong("none", "label");
        var tensorBoard = new Option<string?>("--tensorboard") { Description = "Also write TensorBoard event files to this folder: losses per epoch and, for images, samples and reconstructions (view with 'tensorboard --logdir DIR')." };

        var maxColumns = new Option<int>("--max-columns") { Description = $"The most columns a CSV file may have, the label column included (default {CsvOptions.DefaultMaxColumns}); a wider file is refused after its header.", DefaultValueFactory = _ => CsvOptions.DefaultMaxColumns };
        var overwrite = new Option<bool>("--overwrite") { Description = "Train into an --out folder that already holds a run, replacing it (its checkpoint is deleted before training starts)." };
        var maxParameters = ModelCommandOptions.MaxParametersOption("A larger model is refused before it is allocated.");

        var command = new Command("train", "Train a VAE and write a run folder: the model, metrics.jsonl and pictures.")
        {
            data, binarize, imageSize, color, labelColumn, model, hidden, latent, epochs, batch, learningRate, beta, likelihood, variance, device, seed, output, metrics, checkpointEvery, maxGradNorm, resume, overwrite, quiet, klWarmup, freeBits, samples, condition, tensorBoard, maxParameters, maxColumns, weightDecay,
        };

        // What a run is: the options --resume keeps from options.json and refuses to change.
        (Option Option, Func<TrainSettings, object?> Value)[] runOptions =
        [
            (data, s => s.Data), (binarize, s => s.Binarize), (imageSize, s => s.ImageSize), (color, s => s.Color), (labelColumn, s => s.LabelColumn),
            (model, s => s.Model), (hidden, s => s.Hidden), (latent, s => s.Latent), (likelihood, s => s.Likelihood), (variance, s => s.Variance),
            (condition, s => s.ConditionOnLabels ? "label" : "none"), (batch, s => s.Batch), (learningRate, s => s.LearningRate), (beta, s => s.Beta),
            (klWarmup, s => s.KlWarmup), (freeBits, s => s.FreeBits), (samples, s => s.Samples), (maxGradNorm, s => s.MaxGradNorm),
            (checkpointEvery, s => s.CheckpointEvery), (seed, s => s.Seed), (maxColumns, s => s.MaxColumns), (weightDecay, s => s.WeightDecay),
        ];
        command.SetAction(result =>
        {
            string? resumeFolder = result.GetValue(resume);
            var given = new TrainSettings(
                result.GetValue(data)!,
                result.GetValue(binarize)!,
                result.GetValue(imageSize),
                result.GetValue(color)!,
                result.GetValue(labelColumn),
                result.GetValue(model)!,
                result.GetValue(hidden)!,
                result.GetValue(latent),
                result.GetValue(epochs),
                result.GetValue(batch),
                result.GetValue(learningRate),
                result.GetValue(beta),
                result.GetValue(likelihood)!,
                result.GetValue(variance),
                result.GetValue(device)!,
                result.GetValue(seed),
                result.GetValue(output) ?? resumeFolder ?? RunFiles.NewRunFolder(),
                result.GetValue(metrics),
                result.GetValue(checkpointEvery),
                result.GetValue(maxGradNorm),
                result.GetValue(quiet),
                result.GetValue(klWarmup),
                result.GetValue(freeBits),
                result.GetValue(samples),
                result.GetValue(condition) == "label",
                result.GetValue(tensorBoard),
                result.GetValue(maxColumns),
                result.GetValue(weightDecay));
            long limit = result.GetValue(maxParameters);
            if (resumeFolder is null)
            {
                bool replace = result.GetValue(overwrite);
                IReadOnlyList<string> previous = RunFiles.RunFilesIn(given.Out);
                if (previous.Count > 0 && !replace)
                {
                    throw new UsageException($"{given.Out} already holds a training run ({string.Join(", ", previous)}); give --overwrite to replace it, or --resume {given.Out} to continue it.");
                }

                return Run(given, interrupts, new RunStart(ResumeFrom: null, Replace: replace && previous.Count > 0, limit));
            }

            if (result.GetValue(overwrite))
            {
                throw new UsageException("--overwrite and --resume contradict each other: --resume continues the run, --overwrite replaces it.");
            }

            if (result.GetResult(output) is { Implicit: false } && Path.GetFullPath(given.Out) != Path.GetFullPath(resumeFolder))
            {
                throw new UsageException($"--out {given.Out}: a resumed run stays in its folder, {resumeFolder}; leave --out out.");
            }

            TrainSettings saved = ReadSettings(resumeFolder, [.. runOptions, (epochs, s => s.Epochs)]);
            string[] changed = runOptions
                .Where(entry => result.GetResult(entry.Option) is { Implicit: false } && Format(entry.Value(given)) != Format(entry.Value(saved)))
                .Select(entry => $"{entry.Option.Name} {Format(entry.Value(given))} (the run's is {Format(entry.Value(saved))})")
                .ToArray();
            if (changed.Length > 0)
            {
                throw new UsageException($"--resume continues {resumeFolder} with the options it was started with and cannot change {string.Join(", ", changed)}. Leave them out, or start a new run with --out.");
            }

            string kept = string.Join(' ', runOptions.Where(entry => entry.Value(saved) is not null).Select(entry => $"{entry.Option.Name} {Format(entry.Value(saved))}"));
            TrainSettings settings = saved with
            {
                Epochs = result.GetResult(epochs) is { Implicit: false } ? given.Epochs : saved.Epochs,
                Device = result.GetResult(device) is { Implicit: false } ? given.Device : saved.Device,
                Out = resumeFolder,
                Quiet = given.Quiet,
                Metrics = given.Metrics,
                TensorBoard = given.TensorBoard ?? saved.TensorBoard,
            };
            // Checked again once the checkpoint is loaded; read here from checkpoint.json alone, before any data is.
            if (TrainingCheckpoint.CommittedEpochs(Path.Combine(resumeFolder, RunFiles.CheckpointFolderName)) is int completed && settings.Epochs < completed)
            {
                throw new UsageException(EpochsBelowCompleted(settings.Epochs, resumeFolder, completed));
            }

            return Run(settings, interrupts, new RunStart(resumeFolder, Replace: false, limit, kept));
        });
        return command;
    }

    private static string EpochsBelowCompleted(int epochs, string folder, int completed) =>
        $"--epochs {epochs}: {folder} has completed {completed} epochs already, and --resume only adds epochs; give --epochs {completed} or more.";

    /// <summary>An option's value as the command line spells it, to compare a resumed run's options and to show them.</summary>
    private static string Format(object? value) => value switch
    {
        null => "(none)",
        int[] sizes => string.Join(' ', sizes),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static TrainSettings ReadSettings(string folder, IEnumerable<(Option Option, Func<TrainSettings, object?> Value)> checkedOptions)
    {
        string path = Path.Combine(folder, RunFiles.OptionsFileName);
        if (!File.Exists(path))
        {
            throw new ModelFormatException($"{folder}: not a vae train run folder (no options.json).");
        }

        TrainSettings settings;
        try
        {
            settings = JsonSerializer.Deserialize<TrainSettings>(File.ReadAllText(path), Json)
                ?? throw new ModelFormatException($"{path}: the file is empty.");
        }
        catch (JsonException exception)
        {
            throw new ModelFormatException($"{path}: not valid run options: {exception.Message}", exception);
        }

        // The same ranges as on the command line, so a damaged file is refused as the file it is.
        foreach ((Option option, Func<TrainSettings, object?> value) in checkedOptions)
        {
            if (OptionLimits.Problem("train", option.Name, value(settings)) is { } problem)
            {
                throw new ModelFormatException($"{path}: not valid run options: {problem}");
            }
        }

        return settings;
    }

    private static int Run(TrainSettings settings, Interrupts interrupts, RunStart start)
    {
        var console = new TrainingConsole(settings.Quiet);
        TrainerOptions options;
        VaeArchitecture architecture;
        if (settings.Model == "conv" && settings.Hidden.Length > 1)
        {
            throw new UsageException("--hidden takes one size with --model conv (the dense layer after the convolutions).");
        }

        OpenedData opened = DataSources.Open(
            settings.Data,
            new DataSettings(settings.Seed, Enum.Parse<Binarization>(settings.Binarize, ignoreCase: true), settings.ImageSize, Enum.Parse<ImageColor>(settings.Color, ignoreCase: true), settings.LabelColumn, MaxColumns: settings.MaxColumns));
        using OpenedData data = settings.ConditionOnLabels ? opened.WithLabelConditions() : opened;
        bool gaussian = settings.Likelihood == "gaussian" || (settings.Likelihood == "auto" && data.IsTable);
        try
        {
            options = new TrainerOptions
            {
                Epochs = settings.Epochs,
                BatchSize = settings.Batch,
                LearningRate = settings.LearningRate,
                Optimizer = settings.WeightDecay > 0 ? OptimizerKind.AdamW : OptimizerKind.Adam,
                WeightDecay = settings.WeightDecay,
                Beta = settings.Beta,
                Seed = (ulong)settings.Seed,
                Device = Enum.Parse<ComputeDevice>(settings.Device, ignoreCase: true),
                CheckpointDirectory = Path.Combine(settings.Out, RunFiles.CheckpointFolderName),
                CheckpointEvery = settings.CheckpointEvery,
                CheckpointOnCancel = true,
                MaxGradientNorm = settings.MaxGradNorm,
                KlWarmupEpochs = settings.KlWarmup,
                FreeBits = settings.FreeBits,
                SamplesPerItem = settings.Samples,
            };
            architecture = new VaeArchitecture
            {
                Kind = settings.Model == "conv" ? ModelKind.Conv : ModelKind.Mlp,
                InputShape = data.Train.ItemShape,
                HiddenSizes = settings.Hidden,
                LatentSize = settings.Latent,
                Likelihood = gaussian ? LikelihoodKind.Gaussian : LikelihoodKind.Bernoulli,
                GaussianVariance = settings.Variance,
                ConditionSize = data.Train is IConditionedDataset labels ? labels.ConditionSize : 0,
            };
        }
        catch (ArgumentException exception)
        {
            throw new UsageException(exception.Message);
        }

        CheckSize(architecture, settings, start.MaxParameters);
        manual_seed(settings.Seed);
        using VariationalAutoencoder vae = Build(architecture, start.MaxParameters);
        using var trainer = new Trainer(vae, options);
        if (start.ResumeFrom is not null)
        {
            trainer.LoadCheckpoint(options.CheckpointDirectory);
            if (settings.Epochs < trainer.CompletedEpochs)
            {
                throw new UsageException(EpochsBelowCompleted(settings.Epochs, start.ResumeFrom, trainer.CompletedEpochs));
            }

            console.Line($"Resuming {start.ResumeFrom} after epoch {trainer.CompletedEpochs} of {settings.Epochs}, with the run's options: {start.KeptOptions}.");
        }

        if (start.Replace)
        {
            // Deleted only now that the data and the model are ready, and before options.json changes, so a later
            // --resume can never continue the old run's checkpoint under the new options.
            RunFiles.DeleteCheckpoint(settings.Out);
            console.Line($"Replacing the run in {settings.Out} (--overwrite).");
        }

        Directory.CreateDirectory(settings.Out);
        AtomicFile.Write(Path.Combine(settings.Out, RunFiles.OptionsFileName), path => File.WriteAllText(path, JsonSerializer.Serialize(settings, Json)));
        console.Line($"Training a {settings.Model} VAE on {data.Source}: {data.Train.Count} training and {data.Test.Count} test items of {string.Join("x", data.Train.ItemShape)}, latent {settings.Latent}, on {trainer.Device.type}.");

        string[] metricPaths = settings.Metrics is null ? [Path.Combine(settings.Out, RunFiles.MetricsFileName)] : [Path.Combine(settings.Out, RunFiles.MetricsFileName), settings.Metrics];
        TrainingHistory history;
        using (var metrics = new MetricsWriter(metricPaths, trainer.History))
        using (interrupts.Capture())
        {
            TensorBoardReporter? tensorBoardLog = settings.TensorBoard is null ? null : new TensorBoardReporter(settings.TensorBoard, vae, data, settings.Seed);
            history = console.Run(
                (epochs, batches) => trainer.Fit(data.Train, data.Test, epochs, batches, interrupts.Token),
                report =>
                {
                    metrics.Write(report);
                    tensorBoardLog?.Write(report);
                });
        }

        if (history.WasCancelled)
        {
            Console.Error.WriteLine($"Stopped by Ctrl-C after {history.Epochs.Count} complete epochs; saving the model as it is (it includes the interrupted epoch's updates). 'vae train --resume {settings.Out}' continues from the checkpoint of epoch {history.Epochs.Count}.");
        }

        var metadata = new Dictionary<string, string>(data.Metadata)
        {
            ["data"] = data.Source,
            ["binarization"] = settings.Binarize,
            ["seed"] = settings.Seed.ToString(CultureInfo.InvariantCulture),
            ["epochs"] = history.Epochs.Count.ToString(CultureInfo.InvariantCulture),
        };
        if (data.Train is ConditionedDataset { LabelNames.Count: > 0 } byLabel)
        {
            metadata[ConditionLabels.MetadataKey] = JsonSerializer.Serialize(byLabel.LabelNames);
        }
        new SavedModel(vae, architecture, metadata).Save(settings.Out);
        if (history.Epochs.Count > 0)
        {
            RunPictures.Write(vae, data, history, settings.Out, settings.Seed);
        }

        if (settings.Quiet)
        {
            Console.WriteLine(settings.Out);
        }
        else
        {
            string test = history.Epochs.Count > 0 && history.Epochs[^1].Validation is { } v ? v.Loss.ToString("F2", CultureInfo.InvariantCulture) : "n/a";
            Console.WriteLine($"Saved the model, metrics.jsonl and pictures in {settings.Out} (test loss {test} nats).");
        }

        return history.WasCancelled ? ExitCodes.Cancelled : ExitCodes.Success;
    }

    /// <summary>Refuses, before anything is allocated, a model above the parameter limit, with its size and how to allow it.</summary>
    private static void CheckSize(VaeArchitecture architecture, TrainSettings settings, long maxParameters)
    {
        if (architecture.ParameterCount() is long count && count > maxParameters)
        {
            string condition = architecture.ConditionSize > 0 ? $" and {architecture.ConditionSize} condition values" : string.Empty;
            throw new UsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"--model {settings.Model} --hidden {string.Join(' ', settings.Hidden)} --latent {settings.Latent} on items of {Shapes.Format(architecture.InputShape)}{condition} makes a model of {count:N0} parameters: {VaeArchitecture.FormatFloatBytes(count)} of float32 weights, about {VaeArchitecture.FormatFloatBytes(4 * count)} to train (with the gradients and Adam's two moments). At most {maxParameters:N0} are allowed; use smaller sizes, or --max-parameters {count} to allow it."));
        }
    }

    private static VariationalAutoencoder Build(VaeArchitecture architecture, long maxParameters)
    {
        try
        {
            return architecture.Build(maxParameterCount: maxParameters);
        }
        catch (ArgumentException exception)
        {
            throw new UsageException(exception.Message);
        }
    }

    /// <summary>How a run starts: fresh, replacing a run (<c>--overwrite</c>), or resumed from a folder whose options it keeps.</summary>
    private sealed record RunStart(string? ResumeFrom, bool Replace, long MaxParameters, string KeptOptions = "");

    /// <summary>The command line of one training run; saved as options.json in the run folder.</summary>
    internal sealed record TrainSettings(
        string Data,
        string Binarize,
        int ImageSize,
        string Color,
        string? LabelColumn,
        string Model,
        int[] Hidden,
        int Latent,
        int Epochs,
        int Batch,
        double LearningRate,
        double Beta,
        string Likelihood,
        double Variance,
        string Device,
        int Seed,
        string Out,
        string? Metrics,
        int CheckpointEvery,
        double? MaxGradNorm,
        bool Quiet,
        int KlWarmup = 0,
        double FreeBits = 0,
        int Samples = 1,
        bool ConditionOnLabels = false,
        string? TensorBoard = null,
        int MaxColumns = CsvOptions.DefaultMaxColumns,
        double WeightDecay = 0);
}
