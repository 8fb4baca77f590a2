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
        var learningRate = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3 };
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
        var maxParameters = new Option<long>("--max-parameters") { Description = "Refuse to build a model of more parameters than this (each takes 4 bytes, and about 4 times that while training with Adam).", DefaultValueFactory = _ => DefaultMaxParameters };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the run in an --out folder that already holds one (its metrics, checkpoint and model are lost)." };
        var klWarmup = new Option<int>("--kl-warmup") { Description = "KL warm-up: the KL weight rises linearly from 0 to β over this many epochs (0: off).", DefaultValueFactory = _ => 0 };
        var freeBits = new Option<double>("--free-bits") { Description = "Free bits: a floor, in nats per latent dimension, under each dimension's batch-mean KL in the loss (0: off).", DefaultValueFactory = _ => 0.0 };
        var samples = new Option<int>("--samples") { Description = "Monte Carlo samples of z per item in the loss.", DefaultValueFactory = _ => 1 };
        var condition = new Option<string>("--condition") { Description = "none, or label: train a conditional VAE given each item's one-hot label (encoder and decoder).", DefaultValueFactory = _ => "none" };
        condition.AcceptOnlyFromAmong("none", "label");
        var tensorBoard = new Option<string?>("--tensorboard") { Description = "Also write TensorBoard event files to this folder: losses per epoch and, for images, samples and reconstructions (view with 'tensorboard --logdir DIR')." };

        var command = new Command("train", "Train a VAE and write a run folder: the model, metrics.jsonl and pictures.")
        {
            data, binarize, imageSize, color, labelColumn, model, hidden, latent, epochs, batch, learningRate, beta, likelihood, variance, device, seed, output, metrics, checkpointEvery, maxGradNorm, resume, quiet, klWarmup, freeBits, samples, condition, tensorBoard, overwrite, maxParameters,
        };
        command.SetAction(result =>
        {
            string? resumeFolder = result.GetValue(resume);
            if (resumeFolder is not null)
            {
                // A resumed run keeps its saved options: refuse any other than those it can honour, rather than ignore them.
                string[] ignored = command.Options
                    .Where(option => option != resume && option != epochs && option != quiet && option != metrics && option != tensorBoard && option != device && option != maxParameters)
                    .Where(option => result.GetResult(option) is { Implicit: false })
                    .Select(option => option.Name)
                    .ToArray();
                if (ignored.Length > 0)
                {
                    throw new UsageException($"--resume continues {resumeFolder} with the options it was started with; {string.Join(", ", ignored)} cannot change (--epochs, --device, --quiet, --metrics and --tensorboard can). Start a new run with --out to train with other options.");
                }

                TrainSettings saved = ReadSettings(resumeFolder);
                int total = result.GetResult(epochs) is { Implicit: false } ? result.GetValue(epochs) : saved.Epochs;
                int completed = TrainingCheckpoint.CommittedEpochs(Path.Combine(resumeFolder, "checkpoint")) ?? 0;
                if (total < completed)
                {
                    throw new UsageException($"--epochs {total} is fewer than the {completed} epochs {resumeFolder} has completed; --epochs is the total, so give at least {completed}.");
                }

                string resumeDevice = result.GetResult(device) is { Implicit: false } ? result.GetValue(device)! : saved.Device;
                return Run(saved with { Epochs = total, Device = resumeDevice, Out = resumeFolder, Quiet = result.GetValue(quiet), Metrics = result.GetValue(metrics), TensorBoard = result.GetValue(tensorBoard) ?? saved.TensorBoard }, interrupts, resumeFolder, result.GetValue(maxParameters));
            }

            string? explicitOut = result.GetValue(output);
            if (explicitOut is not null && RunFiles.HoldsRun(explicitOut) is { } existing)
            {
                if (!result.GetValue(overwrite))
                {
                    throw new UsageException($"{explicitOut} already holds a run ({existing}); use 'vae train --resume {explicitOut}' to continue it, --overwrite to replace it, or another --out.");
                }

                RunFiles.DeleteCheckpoint(explicitOut);
            }

            return Run(
            new TrainSettings(
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
                result.GetValue(output) ?? RunFiles.NewRunFolder(),
                result.GetValue(metrics),
                result.GetValue(checkpointEvery),
                result.GetValue(maxGradNorm),
                result.GetValue(quiet),
                result.GetValue(klWarmup),
                result.GetValue(freeBits),
                result.GetValue(samples),
                result.GetValue(condition) == "label",
                result.GetValue(tensorBoard)),
            interrupts,
            resumeFrom: null,
            result.GetValue(maxParameters));
        });
        return command;
    }

    private static TrainSettings ReadSettings(string folder)
    {
        string path = Path.Combine(folder, "options.json");
        if (!File.Exists(path))
        {
            throw new ModelFormatException($"{folder}: not a vae train run folder (no options.json).");
        }

        try
        {
            return JsonSerializer.Deserialize<TrainSettings>(File.ReadAllText(path), Json)
                ?? throw new ModelFormatException($"{path}: the file is empty.");
        }
        catch (JsonException exception)
        {
            throw new ModelFormatException($"{path}: not valid run options: {exception.Message}", exception);
        }
    }

    /// <summary>The default of --max-parameters: 2^28 parameters, 1 GiB of float32 weights.</summary>
    private const long DefaultMaxParameters = 1L << 28;

    private static int Run(TrainSettings settings, Interrupts interrupts, string? resumeFrom, long maxParameters)
    {
        var console = new TrainingConsole(settings.Quiet);
        TrainerOptions options;
        VaeArchitecture architecture;
        if (settings.Model == "conv" && settings.Hidden.Length > 1)
        {
            throw new UsageException("--hidden takes one size with --model conv (the dense layer after the convolutions).");
        }

        if (settings.ImageSize is < 4 or > 1024)
        {
            throw new UsageException($"--image-size must be between 4 and 1024; found {settings.ImageSize}.");
        }

        // Every option is checked before any data is read (Fashion-MNIST takes seconds and hundreds of MB), and a
        // refusal names the option as typed, not the library property behind it.
        options = OptionError.Check(() => new TrainerOptions
        {
            Epochs = settings.Epochs,
            BatchSize = settings.Batch,
            LearningRate = settings.LearningRate,
            Beta = settings.Beta,
            Seed = (ulong)settings.Seed,
            Device = Enum.Parse<ComputeDevice>(settings.Device, ignoreCase: true),
            CheckpointDirectory = Path.Combine(settings.Out, "checkpoint"),
            CheckpointEvery = settings.CheckpointEvery,
            CheckpointOnCancel = true,
            MaxGradientNorm = settings.MaxGradNorm,
            KlWarmupEpochs = settings.KlWarmup,
            FreeBits = settings.FreeBits,
            SamplesPerItem = settings.Samples,
        });
        _ = OptionError.Check(() => new VaeArchitecture { HiddenSizes = settings.Hidden, LatentSize = settings.Latent, GaussianVariance = settings.Variance });

        OpenedData opened = DataSources.Open(
            settings.Data,
            new DataSettings(settings.Seed, Enum.Parse<Binarization>(settings.Binarize, ignoreCase: true), settings.ImageSize, Enum.Parse<ImageColor>(settings.Color, ignoreCase: true), settings.LabelColumn));
        using OpenedData data = settings.ConditionOnLabels ? opened.WithLabelConditions() : opened;
        bool gaussian = settings.Likelihood == "gaussian" || (settings.Likelihood == "auto" && data.IsTable);
        architecture = OptionError.Check(() => new VaeArchitecture
        {
            Kind = settings.Model == "conv" ? ModelKind.Conv : ModelKind.Mlp,
            InputShape = data.Train.ItemShape,
            HiddenSizes = settings.Hidden,
            LatentSize = settings.Latent,
            Likelihood = gaussian ? LikelihoodKind.Gaussian : LikelihoodKind.Bernoulli,
            GaussianVariance = settings.Variance,
            ConditionSize = data.Train is IConditionedDataset labels ? labels.ConditionSize : 0,
        });

        double parameters = SavedModel.MinimumParameterCount(architecture);
        if (parameters > maxParameters)
        {
            throw new UsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"--hidden {string.Join(' ', settings.Hidden)} and --latent {settings.Latent} on items of {string.Join("x", architecture.InputShape)} describe a model of at least {parameters:G4} parameters ({parameters * 4 / (1L << 30):F1} GiB of weights, about four times that to train); the limit is {maxParameters} (--max-parameters raises it)."));
        }

        manual_seed(settings.Seed);
        using VariationalAutoencoder vae = Build(architecture);
        using var trainer = new Trainer(vae, options);
        if (resumeFrom is not null)
        {
            trainer.LoadCheckpoint(options.CheckpointDirectory!);
            console.Line($"Resuming {resumeFrom} after epoch {trainer.CompletedEpochs} of {settings.Epochs}.");
        }

        Directory.CreateDirectory(settings.Out);
        AtomicFile.Write(Path.Combine(settings.Out, "options.json"), path => File.WriteAllText(path, JsonSerializer.Serialize(settings, Json)));
        console.Line($"Training a {settings.Model} VAE on {data.Source}: {data.Train.Count} training and {data.Test.Count} test items of {string.Join("x", data.Train.ItemShape)}, latent {settings.Latent}, on {trainer.Device.type}.");

        string[] metricPaths = settings.Metrics is null ? [Path.Combine(settings.Out, "metrics.jsonl")] : [Path.Combine(settings.Out, "metrics.jsonl"), settings.Metrics];
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

    private static VariationalAutoencoder Build(VaeArchitecture architecture)
    {
        try
        {
            return architecture.Build();
        }
        catch (ArgumentException exception)
        {
            throw new UsageException(exception.Message);
        }
    }

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
        string? TensorBoard = null);
}
