namespace VaeLib.Training;

/// <summary>How a <see cref="Trainer"/> trains. Every value is checked when it is set.</summary>
public sealed record TrainerOptions
{
    private readonly int epochs = 10;
    private readonly int batchSize = 128;
    private readonly double learningRate = 1e-3;
    private readonly double beta = 1.0;
    private readonly int samplesPerItem = 1;
    private readonly double? maxGradientNorm;
    private readonly int checkpointEvery = 1;
    private readonly int klWarmupEpochs;
    private readonly double freeBits;
    private readonly double weightDecay;

    /// <summary>Passes over the training set. Default 10.</summary>
    public int Epochs
    {
        get => epochs;
        init => epochs = OptionChecks.Positive(value, nameof(Epochs), "The number of epochs");
    }

    /// <summary>Items per minibatch. Default 128.</summary>
    public int BatchSize
    {
        get => batchSize;
        init => batchSize = OptionChecks.Positive(value, nameof(BatchSize), "The batch size");
    }

    /// <summary>The optimizer's step size. Default 1e-3.</summary>
    public double LearningRate
    {
        get => learningRate;
        init => learningRate = value > 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "The learning rate must be positive and finite.");
    }

    /// <summary>The optimizer. Default <see cref="OptimizerKind.Adam"/>.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>
    /// The decoupled weight decay λ of <see cref="OptimizerKind.AdamW"/>: each step multiplies the weights by
    /// 1 − <see cref="LearningRate"/>·λ before Adam's update. Default 0 (PyTorch's AdamW defaults to 0.01; set it
    /// explicitly). A value above 0 needs <see cref="Optimizer"/> = <see cref="OptimizerKind.AdamW"/>: the
    /// <see cref="Trainer"/> refuses it with Adam or RMSprop rather than ignore it.
    /// </summary>
    public double WeightDecay
    {
        get => weightDecay;
        init => weightDecay = value >= 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(WeightDecay), value, "The weight decay must be finite and non-negative (0 turns it off).");
    }

    /// <summary>The KL weight β of <see cref="ElboLoss"/>. Default 1.</summary>
    public double Beta
    {
        get => beta;
        init => beta = value >= 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Beta), value, "β must be finite and non-negative.");
    }

    /// <summary>
    /// KL warm-up (Bowman et al. 2016; Sønderby et al. 2016): the KL weight rises linearly from 0 to <see cref="Beta"/>
    /// over this many epochs, updated every minibatch, then stays at β. 0 (the default) turns it off. The training loss
    /// reported for a warm-up epoch uses that epoch's weights; the validation loss always uses β.
    /// </summary>
    public int KlWarmupEpochs
    {
        get => klWarmupEpochs;
        init => klWarmupEpochs = value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(KlWarmupEpochs), value, "The KL warm-up must be 0 (off) or a positive number of epochs.");
    }

    /// <summary>
    /// Free bits λ in nats per latent dimension (Kingma et al. 2016): the loss's KL part becomes Σ_d max(λ, KL̄_d) over
    /// the minibatch mean KL of each dimension, so a dimension is not pushed below λ towards the prior. 0 (the
    /// default) turns it off. See <see cref="ElboLoss"/>.
    /// </summary>
    public double FreeBits
    {
        get => freeBits;
        init => freeBits = value >= 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(FreeBits), value, "Free bits must be finite and non-negative (nats per latent dimension).");
    }

    /// <summary>Monte Carlo samples of z per item in the loss. Default 1.</summary>
    public int SamplesPerItem
    {
        get => samplesPerItem;
        init => samplesPerItem = OptionChecks.Positive(value, nameof(SamplesPerItem), "The number of samples per item");
    }

    /// <summary>
    /// What training minimizes; null (the default) for the negative ELBO built from <see cref="Beta"/>,
    /// <see cref="FreeBits"/>, <see cref="KlWarmupEpochs"/> and <see cref="SamplesPerItem"/>
    /// (<see cref="Objectives.ElboObjective"/>). An objective given here carries its own settings, so those four must
    /// keep their defaults (the trainer refuses otherwise).
    /// </summary>
    public Objectives.VaeObjective? Objective { get; init; }

    /// <summary>Seed of the trainer's random generators (shuffling and ε). Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Where to train. Default <see cref="ComputeDevice.Auto"/>.</summary>
    public ComputeDevice Device { get; init; } = ComputeDevice.Auto;

    /// <summary>
    /// Clip the gradients' total L2 norm to this value before each step (reads the norm on the host each minibatch);
    /// null for no clipping. Default null.
    /// </summary>
    public double? MaxGradientNorm
    {
        get => maxGradientNorm;
        init => maxGradientNorm = value is null || (value > 0 && double.IsFinite(value.Value))
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxGradientNorm), value, "The gradient-norm limit must be positive and finite.");
    }

    /// <summary>Folder for training checkpoints (see <see cref="Trainer.SaveCheckpoint(string)"/>); null for none. Default null.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>
    /// With <see cref="CheckpointDirectory"/> set, on cancellation write a checkpoint of the last completed epoch if it
    /// was not written yet (the trainer keeps the state at each epoch's start in memory for this). Default false.
    /// </summary>
    public bool CheckpointOnCancel { get; init; }

    /// <summary>
    /// Run one full, compacting .NET garbage collection after each epoch (outside the timed training loop). It bounds
    /// the .NET heap to about one epoch's garbage (tensor wrappers and dispose-scope bookkeeping) so resident memory
    /// stays flat; without it the collector ran every few epochs and resident memory rose and fell by ~60 MB on
    /// Fashion-MNIST. Its cost grows with the heap: turn it off in a host whose own heap is large. Default true.
    /// </summary>
    public bool CollectGarbageEachEpoch { get; init; } = true;

    /// <summary>With <see cref="CheckpointDirectory"/> set, write a checkpoint every this many epochs and after the last. Default 1.</summary>
    public int CheckpointEvery
    {
        get => checkpointEvery;
        init => checkpointEvery = OptionChecks.Positive(value, nameof(CheckpointEvery), "The checkpoint interval");
    }
}
