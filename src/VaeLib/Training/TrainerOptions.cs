namespace VaeLib.Training;

/// <summary>How a <see cref="Trainer"/> trains. Every value is checked when it is set.</summary>
public sealed record TrainerOptions
{
    private readonly int epochs = 10;
    private readonly int batchSize = 128;
    private readonly double learningRate = 1e-3;
    private readonly double beta = 1.0;
    private readonly int samplesPerItem = 1;

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

    /// <summary>The KL weight β of <see cref="ElboLoss"/>. Default 1.</summary>
    public double Beta
    {
        get => beta;
        init => beta = value >= 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Beta), value, "β must be finite and non-negative.");
    }

    /// <summary>Monte Carlo samples of z per item in the loss. Default 1.</summary>
    public int SamplesPerItem
    {
        get => samplesPerItem;
        init => samplesPerItem = OptionChecks.Positive(value, nameof(SamplesPerItem), "The number of samples per item");
    }

    /// <summary>Seed of the trainer's random generators (shuffling and ε). Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Where to train. Default <see cref="ComputeDevice.Auto"/>.</summary>
    public ComputeDevice Device { get; init; } = ComputeDevice.Auto;
}
