using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using VaeLib.Data;
using VaeLib.Objectives;
using VaeLib.Persistence;
using VaeLib.Storage;
using static TorchSharp.torch;

namespace VaeLib.Training;

/// <summary>
/// Trains a <see cref="VariationalAutoencoder"/> by minibatch stochastic gradient descent on the negative ELBO.
/// </summary>
/// <remarks>
/// The trainer owns the loop, the device, the optimizer and the random generators; the model only computes.
/// Minibatches are reshuffled every epoch from a generator seeded by <see cref="TrainerOptions.Seed"/>, and ε is
/// drawn from a second seeded generator, so a CPU run repeats exactly. Every tensor made in the loop lives in a
/// dispose scope, and the loss sums stay on the device until the epoch ends (one host synchronisation per epoch).
/// The step leaves no native memory to the .NET finalizer (see docs/performance.md), and by default one garbage
/// collection runs after each epoch (<see cref="TrainerOptions.CollectGarbageEachEpoch"/>), so resident memory stays
/// flat. Calling <see cref="Fit"/> again continues training with the same optimizer state.
/// </remarks>
public sealed partial class Trainer : IDisposable
{
    private const ulong NoiseSeedOffset = 0x9E3779B97F4A7C15;

    private readonly TorchSharp.Modules.OptimizerHelper optimizer;
    private readonly List<EpochReport> history = [];
    private int checkpointedEpochs = -1;
    private readonly List<TorchSharp.Modules.Parameter> trainableParameters;
    private readonly Generator shuffleGenerator;
    private readonly Generator noiseGenerator;
    private readonly VaeObjective objective;
    private readonly ILogger logger;

    /// <summary>Moves the model to the chosen device and creates the optimizer over its trainable parameters.</summary>
    /// <param name="model">The model to train; parameters with <c>requires_grad</c> false are left unchanged.</param>
    /// <param name="options">Training options; null for the defaults.</param>
    /// <param name="logger">
    /// Receives the start of training (Information), one entry per epoch with its losses (Information), checkpoints
    /// (Debug), cancellation (Warning) and divergence (Error); null for none. Entries carry their values as named
    /// properties (<c>Epoch</c>, <c>TrainLoss</c>, …) for structured logging.
    /// </param>
    /// <exception cref="InvalidOperationException">CUDA was requested and is not available.</exception>
    public Trainer(VariationalAutoencoder model, TrainerOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.logger = logger ?? NullLogger.Instance;
        Options = options ?? new TrainerOptions();
        Device = Options.Device.ToTorchDevice();
        Model = model;
        Model.to(Device);
        var trainable = Model.parameters().Where(parameter => parameter.requires_grad).ToList();
        if (trainable.Count == 0)
        {
            throw new ArgumentException("The model has no trainable parameters.", nameof(model));
        }

        trainableParameters = trainable;
        optimizer = (Options.Optimizer, Options.WeightDecay) switch
        {
            (OptimizerKind.AdamW, double weightDecay) => new ScalarFreeAdamW(trainable, Options.LearningRate, weightDecay),
            (OptimizerKind.Adam or OptimizerKind.RmsProp, > 0) => throw new ArgumentException(
                $"WeightDecay {Options.WeightDecay.ToString(System.Globalization.CultureInfo.InvariantCulture)} is decoupled weight decay, which only OptimizerKind.AdamW applies; the optimizer is {Options.Optimizer}. Choose OptimizerKind.AdamW, or leave WeightDecay at 0.",
                nameof(options)),
            (OptimizerKind.Adam, _) => new ScalarFreeAdam(trainable, Options.LearningRate),
            (OptimizerKind.RmsProp, _) => new ScalarFreeRmsProp(trainable, Options.LearningRate),
            _ => throw new ArgumentOutOfRangeException(nameof(options), Options.Optimizer, "Unknown optimizer."),
        };
        shuffleGenerator = new Generator(Options.Seed, CPU);
        noiseGenerator = new Generator(Options.Seed ^ NoiseSeedOffset);
        if (Options.Objective is not null && (Options.Beta != 1 || Options.FreeBits != 0 || Options.KlWarmupEpochs != 0 || Options.SamplesPerItem != 1))
        {
            throw new ArgumentException("TrainerOptions.Objective carries its own settings: leave Beta, FreeBits, KlWarmupEpochs and SamplesPerItem at their defaults, or set them on the objective (e.g. new ElboObjective(beta, freeBits, klWarmupEpochs, sampleCount)).", nameof(options));
        }

        objective = Options.Objective ?? new ElboObjective(Options.Beta, Options.FreeBits, Options.KlWarmupEpochs, Options.SamplesPerItem);
    }

    /// <summary>The model being trained.</summary>
    public VariationalAutoencoder Model { get; }

    /// <summary>The options.</summary>
    public TrainerOptions Options { get; }

    /// <summary>What training minimizes (<see cref="TrainerOptions.Objective"/>, or the negative ELBO from the options).</summary>
    public VaeObjective Objective => objective;

    /// <summary>The device the model was moved to.</summary>
    public Device Device { get; }

    /// <summary>Epochs completed so far, including those restored by <see cref="LoadCheckpoint"/>.</summary>
    public int CompletedEpochs => history.Count;

    /// <summary>The reports of all completed epochs, including those restored by <see cref="LoadCheckpoint"/>.</summary>
    public IReadOnlyList<EpochReport> History => history;


    /// <summary>
    /// Trains until <see cref="TrainerOptions.Epochs"/> epochs are complete in all (so a trainer restored from a
    /// checkpoint continues where it stopped), writing a checkpoint every <see cref="TrainerOptions.CheckpointEvery"/>
    /// epochs when <see cref="TrainerOptions.CheckpointDirectory"/> is set.
    /// </summary>
    /// <param name="training">
    /// Training items; their shape must be the model's input shape. A conditional model needs an
    /// <see cref="IConditionedDataset"/> (e.g. <see cref="ConditionedDataset.FromLabels"/>) with its condition size.
    /// </param>
    /// <param name="validation">Optional items evaluated after each epoch (conditioned too, for a conditional model).</param>
    /// <param name="progress">Receives a report after each epoch, on the training thread.</param>
    /// <param name="batchProgress">Receives a report after each minibatch, on the training thread (for progress bars).</param>
    /// <param name="cancellationToken">Stops training between minibatches; the epoch in progress is not reported.</param>
    /// <returns>The reports of all completed epochs, and whether training was cancelled.</returns>
    /// <exception cref="ArgumentException">A data set's item shape differs from the model's input shape, or a conditional model's data carry no conditions of its size.</exception>
    /// <exception cref="InvalidOperationException">The loss became NaN or infinite.</exception>
    public TrainingHistory Fit(
        IDataset training,
        IDataset? validation = null,
        IProgress<EpochReport>? progress = null,
        IProgress<BatchProgress>? batchProgress = null,
        CancellationToken cancellationToken = default)
    {
        CheckShape(training, nameof(training));
        if (validation is not null)
        {
            CheckShape(validation, nameof(validation));
        }

        if (history.Count < Options.Epochs)
        {
            LogTrainingStarted(logger, training.Count, validation?.Count ?? 0, history.Count + 1, Options.Epochs, Device.type, Options.Optimizer, Options.BatchSize, Options.LearningRate);
        }

        for (int epoch = history.Count + 1; epoch <= Options.Epochs; epoch++)
        {
            // A cancelled epoch cannot be resumed exactly, so the state at its start is what a final checkpoint holds.
            bool snapshotNeeded = Options.CheckpointDirectory is not null && Options.CheckpointOnCancel && checkpointedEpochs != history.Count;
            StateSnapshot? epochStart = snapshotNeeded ? TakeSnapshot() : null;
            var stopwatch = Stopwatch.StartNew();
            double[]? means = cancellationToken.IsCancellationRequested ? null : TrainEpoch(training, epoch, batchProgress, cancellationToken);
            if (means is null)
            {
                if (epochStart is not null)
                {
                    WriteCheckpoint(Options.CheckpointDirectory!, epochStart);
                }

                LogCancelled(logger, epoch, history.Count);
                return new TrainingHistory(history.ToArray(), WasCancelled: true);
            }

            stopwatch.Stop();
            if (!double.IsFinite(means[0]))
            {
                string where = means[^1] >= 0 ? $" (first at minibatch {means[^1] + 1})" : string.Empty;
                string kept = Options.CheckpointDirectory is null ? string.Empty : $" The last good checkpoint in {Options.CheckpointDirectory} is kept.";
                var diverged = new InvalidOperationException(
                    $"Training diverged in epoch {epoch}{where}: the mean loss is {means[0]}. Lower the learning rate, set a gradient-norm limit, check the data for NaN or infinite values, or use a likelihood that suits the data's range.{kept}");
                LogDiverged(logger, diverged, epoch, means[0]);
                throw diverged;
            }

            double seconds = stopwatch.Elapsed.TotalSeconds;
            Dictionary<string, double> terms = Terms(means);
            var report = new EpochReport(
                epoch,
                Options.Epochs,
                seconds,
                training.Count / Math.Max(seconds, 1e-9),
                means[0],
                terms.GetValueOrDefault("recon", double.NaN),
                terms.GetValueOrDefault("kl", double.NaN),
                validation is null ? null : Evaluate(validation),
                terms);
            if (report.Validation is { } checkedValidation && !double.IsFinite(checkedValidation.Loss))
            {
                throw new InvalidOperationException(
                    $"The validation loss after epoch {epoch} is {checkedValidation.Loss} while the training loss is {means[0]:F2}: check the validation data for NaN or infinite values, or values outside the likelihood's range.");
            }

            history.Add(report);

            if (Options.CollectGarbageEachEpoch)
            {
                // See TrainerOptions.CollectGarbageEachEpoch: keeps the .NET heap, and so resident memory, flat.
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            }

            if (Options.CheckpointDirectory is not null && (epoch % Options.CheckpointEvery == 0 || epoch == Options.Epochs))
            {
                SaveCheckpoint(Options.CheckpointDirectory);
                LogCheckpointWritten(logger, epoch, Options.CheckpointDirectory);
            }

            if (report.Validation is { } validated)
            {
                LogEpoch(logger, epoch, Options.Epochs, report.TrainLoss, report.TrainReconstruction, report.TrainKl, validated.Loss, report.SamplesPerSecond);
            }
            else
            {
                LogEpochWithoutValidation(logger, epoch, Options.Epochs, report.TrainLoss, report.TrainReconstruction, report.TrainKl, report.SamplesPerSecond);
            }

            progress?.Report(report);
        }

        return new TrainingHistory(history.ToArray(), WasCancelled: false);
    }

    /// <summary>
    /// Writes the trainer's state — the model's weights, the optimizer's state, the random generators' states, the
    /// completed epochs and their reports — to a folder, so <see cref="LoadCheckpoint"/> continues the same run.
    /// </summary>
    /// <param name="directory">The folder; a previous checkpoint there is replaced only once the new one is complete.</param>
    /// <exception cref="IOException">The checkpoint cannot be written (e.g. the disk is full); the previous checkpoint in the folder is kept.</exception>
    public void SaveCheckpoint(string directory) => SaveCheckpoint(directory, observer: null);

    /// <summary>Saves a checkpoint, telling <paramref name="observer"/> of each step (the fault-injection tests).</summary>
    internal void SaveCheckpoint(string directory, IStorageObserver? observer)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        WriteCheckpoint(directory, TakeSnapshot(), observer);
    }

    /// <summary>Restores a checkpoint written by <see cref="SaveCheckpoint(string)"/> into this trainer and its model.</summary>
    /// <param name="directory">The checkpoint folder.</param>
    /// <exception cref="Persistence.ModelFormatException">The folder is not a complete, intact checkpoint, or it is for another architecture.</exception>
    public void LoadCheckpoint(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        (TrainingCheckpoint checkpoint, string weightsPath, string optimizerPath) = TrainingCheckpoint.Read(directory, SavedModel.SerializedLength(Model));
        try
        {
            Model.load(weightsPath);
            Model.to(Device);
            optimizer.load_state_dict(optimizerPath);
            SetGeneratorState(shuffleGenerator, checkpoint.ShuffleGeneratorState);
            SetGeneratorState(noiseGenerator, checkpoint.NoiseGeneratorState);
        }
        catch (Exception exception) when (exception is not Persistence.ModelFormatException and not OutOfMemoryException)
        {
            throw new Persistence.ModelFormatException($"{directory}: the checkpoint does not fit this model and optimizer: {exception.Message}", exception);
        }

        history.Clear();
        history.AddRange(checkpoint.History);
        checkpointedEpochs = history.Count;
    }

    private StateSnapshot TakeSnapshot()
    {
        using var weights = new MemoryStream();
        using (var writer = new BinaryWriter(weights, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            Model.save(writer);
        }

        using var optimizerState = new MemoryStream();
        using (var writer = new BinaryWriter(optimizerState, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            optimizer.save_state_dict(writer);
        }

        return new StateSnapshot(weights.ToArray(), optimizerState.ToArray(), GeneratorState(shuffleGenerator), GeneratorState(noiseGenerator), history.ToArray());
    }

    private void WriteCheckpoint(string directory, StateSnapshot snapshot, IStorageObserver? observer = null)
    {
        try
        {
            TrainingCheckpoint.Write(
                directory,
                snapshot.Weights,
                snapshot.Optimizer,
                (weightsSha256, optimizerSha256) => new TrainingCheckpoint(
                    TrainingCheckpoint.CurrentFormatVersion,
                    snapshot.History.Count,
                    snapshot.History,
                    snapshot.ShuffleState,
                    snapshot.NoiseState,
                    weightsSha256,
                    optimizerSha256),
                observer);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            string kept = TrainingCheckpoint.CommittedEpochs(directory) is { } epochs ? $"the folder keeps its complete checkpoint of epoch {epochs}" : "the folder holds no earlier checkpoint";
            throw new IOException($"{directory}: the checkpoint of epoch {snapshot.History.Count} cannot be written ({exception.Message}); {kept}.", exception);
        }

        checkpointedEpochs = snapshot.History.Count;
    }

    private static string GeneratorState(Generator generator)
    {
        using var state = generator.get_state();
        return Convert.ToBase64String(state.data<byte>().ToArray());
    }

    private static void SetGeneratorState(Generator generator, string base64)
    {
        byte[] bytes = Convert.FromBase64String(base64);
        using var state = tensor(bytes, [bytes.Length], ScalarType.Byte);
        generator.set_state(state);
    }

    /// <summary>
    /// Evaluates the mean loss and its parts on a data set without gradients, in evaluation mode, with ε drawn
    /// from a generator seeded afresh, so repeated calls on the same model give the same numbers.
    /// </summary>
    /// <remarks>
    /// The loss is reconstruction + β·KL per item, without the free-bits floor: the floor is taken over a minibatch's
    /// mean KL, so with it the number would change with the batch size; with β = 1 this is the negative ELBO.
    /// </remarks>
    /// <param name="data">Items of the model's input shape.</param>
    /// <returns>Per-item means in nats.</returns>
    public ValidationReport Evaluate(IDataset data)
    {
        CheckShape(data, nameof(data));
        bool wasTraining = Model.training;
        Model.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            using var generator = new Generator(Options.Seed + 1);
            long batches = BatchesIn(data.Count);
            Tensor sums = zeros(1 + objective.TermNames.Count, dtype: ScalarType.Float64, device: Device);
            Tensor indices = arange(data.Count, dtype: ScalarType.Int64);
            for (long start = 0; start < data.Count; start += Options.BatchSize)
            {
                using var batchScope = NewDisposeScope();
                long length = Math.Min(Options.BatchSize, data.Count - start);
                Tensor slice = indices.narrow(0, start, length);
                Tensor batch = data.GetBatch(slice).to(Device);
                Tensor? condition = ConditionsOf(data, slice);
                var context = new ObjectiveContext(history.Count + 1, start / Options.BatchSize, batches, data.Count, generator, Device, IsTraining: false);
                Accumulate(sums, Compute(batch, condition, context));
            }

            double[] means = (sums / data.Count).cpu().data<double>().ToArray();
            Dictionary<string, double> terms = Terms(means);
            return new ValidationReport(means[0], terms.GetValueOrDefault("recon", double.NaN), terms.GetValueOrDefault("kl", double.NaN), terms);
        }
        finally
        {
            Model.train(wasTraining);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        optimizer.Dispose();
        shuffleGenerator.Dispose();
        noiseGenerator.Dispose();
    }

    private double[]? TrainEpoch(IDataset training, int epoch, IProgress<BatchProgress>? batchProgress, CancellationToken cancellationToken)
    {
        long batches = BatchesIn(training.Count);
        Model.train();
        using var epochScope = NewDisposeScope();
        Tensor order = randperm(training.Count, generator: shuffleGenerator);
        // Summed loss, reconstruction and KL, and each minibatch's loss (to find the first that was not finite), kept
        // on the device so the host reads them once per epoch.
        Tensor sums = zeros(1 + objective.TermNames.Count, dtype: ScalarType.Float64, device: Device);
        Tensor batchLosses = zeros(batches, device: Device);
        for (long start = 0; start < training.Count; start += Options.BatchSize)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return null;
            }

            using var batchScope = NewDisposeScope();
            long length = Math.Min(Options.BatchSize, training.Count - start);
            Tensor slice = order.narrow(0, start, length);
            Tensor batch = training.GetBatch(slice).to(Device);
            Tensor? condition = ConditionsOf(training, slice);
            optimizer.zero_grad();
            var context = new ObjectiveContext(epoch, start / Options.BatchSize, batches, training.Count, noiseGenerator, Device, IsTraining: true);
            ObjectiveTerms terms = Compute(batch, condition, context);
            Tensor meanLoss = terms.Loss.mean();
            meanLoss.backward();
            if (Options.MaxGradientNorm is double limit)
            {
                nn.utils.clip_grad_norm_(trainableParameters, limit);
            }

            optimizer.step();
            using (no_grad())
            {
                Accumulate(sums, terms);
                batchLosses[start / Options.BatchSize].copy_(meanLoss);
            }

            batchProgress?.Report(new BatchProgress(epoch, (start / Options.BatchSize) + 1, batches));
        }

        // argmax returns the first of equal maxima: the first non-finite minibatch, or −1 when there is none.
        Tensor bad = batchLosses.isfinite().logical_not();
        Tensor firstBad = where(bad.any(), bad.to(ScalarType.Int64).argmax(), tensor(-1L, device: Device)).to(ScalarType.Float64).reshape(1);
        return cat([sums / training.Count, firstBad]).cpu().data<double>().ToArray();
    }

    /// <summary>Minibatches in a pass over <paramref name="items"/> items, the last one possibly short.</summary>
    private long BatchesIn(long items) => (items + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The objective's terms for a minibatch, checked to be one per name.</summary>
    private ObjectiveTerms Compute(Tensor batch, Tensor? condition, ObjectiveContext context)
    {
        ObjectiveTerms terms = objective.Compute(Model, batch, condition, context);
        if (terms.Terms.Count != objective.TermNames.Count)
        {
            throw new InvalidOperationException($"The objective {objective.GetType().Name} names {objective.TermNames.Count} terms ({string.Join(", ", objective.TermNames)}) but returned {terms.Terms.Count}.");
        }

        return terms;
    }

    /// <summary>Adds a batch's summed loss and terms to the float64 totals <c>[1 + terms]</c>, without gradients.</summary>
    private static void Accumulate(Tensor sums, ObjectiveTerms terms)
    {
        // Slot by slot: torch.stack marshals its list with an object left for the finalizer (see Runtime.Scalars).
        using var noGrad = no_grad();
        sums.select(0, 0).add_(terms.Loss.sum(), Runtime.Scalars.One);
        for (int i = 0; i < terms.Terms.Count; i++)
        {
            sums.select(0, i + 1).add_(terms.Terms[i].sum(), Runtime.Scalars.One);
        }
    }

    /// <summary>Every term's mean by name (slot 1 + its index); recon and kl, where the objective has them, are also the report's TrainReconstruction and TrainKl.</summary>
    private Dictionary<string, double> Terms(double[] means) =>
        objective.TermNames.Select((name, index) => (name, index)).ToDictionary(entry => entry.name, entry => means[1 + entry.index], StringComparer.Ordinal);

    /// <summary>The conditions of a conditional model's minibatch, on the device; null for an unconditional model.</summary>
    private Tensor? ConditionsOf(IDataset data, Tensor indices) =>
        Model.IsConditional ? ((IConditionedDataset)data).GetConditions(indices).to(Device) : null;

    private void CheckShape(IDataset data, string name)
    {
        ArgumentNullException.ThrowIfNull(data, name);
        if (data.Count == 0)
        {
            throw new ArgumentException($"The {name} set is empty.", name);
        }

        if (!data.ItemShape.SequenceEqual(Model.InputShape))
        {
            throw new ArgumentException(
                $"The {name} set's items have shape {Shapes.Format(data.ItemShape)}, but the model expects {Shapes.Format(Model.InputShape)}.",
                name);
        }

        if (Model.IsConditional && (data is not IConditionedDataset conditioned || conditioned.ConditionSize != Model.ConditionSize))
        {
            string found = data is IConditionedDataset other ? $"conditions of size {other.ConditionSize}" : "no conditions";
            throw new ArgumentException(
                $"The model is conditional on {Model.ConditionSize} values, but the {name} set has {found}. Wrap it with ConditionedDataset.FromLabels (one-hot labels) or new ConditionedDataset(items, conditions).",
                name);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Training on {TrainingItems} items ({ValidationItems} for validation), epochs {FirstEpoch} to {Epochs}, on {Device} with {Optimizer}, batch size {BatchSize}, learning rate {LearningRate}")]
    private static partial void LogTrainingStarted(ILogger logger, long trainingItems, long validationItems, int firstEpoch, int epochs, DeviceType device, OptimizerKind optimizer, int batchSize, double learningRate);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Epoch {Epoch}/{Epochs}: loss {TrainLoss:F3} (reconstruction {TrainReconstruction:F3}, KL {TrainKl:F3}), validation loss {ValidationLoss:F3}, {SamplesPerSecond:F0} samples/s")]
    private static partial void LogEpoch(ILogger logger, int epoch, int epochs, double trainLoss, double trainReconstruction, double trainKl, double validationLoss, double samplesPerSecond);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Epoch {Epoch}/{Epochs}: loss {TrainLoss:F3} (reconstruction {TrainReconstruction:F3}, KL {TrainKl:F3}), {SamplesPerSecond:F0} samples/s")]
    private static partial void LogEpochWithoutValidation(ILogger logger, int epoch, int epochs, double trainLoss, double trainReconstruction, double trainKl, double samplesPerSecond);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Checkpoint of epoch {Epoch} written to {CheckpointDirectory}")]
    private static partial void LogCheckpointWritten(ILogger logger, int epoch, string checkpointDirectory);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Training cancelled during epoch {Epoch}; {CompletedEpochs} epochs are complete")]
    private static partial void LogCancelled(ILogger logger, int epoch, int completedEpochs);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Training diverged in epoch {Epoch}: mean loss {TrainLoss}")]
    private static partial void LogDiverged(ILogger logger, Exception exception, int epoch, double trainLoss);

    /// <summary>The trainer's state at one moment, serialized, ready to be written as a checkpoint.</summary>
    private sealed record StateSnapshot(byte[] Weights, byte[] Optimizer, string ShuffleState, string NoiseState, IReadOnlyList<EpochReport> History);
}
