using static TorchSharp.torch;

namespace VaeLib.Objectives;

/// <summary>Where training stands when an objective is computed, and what it may draw noise from.</summary>
/// <param name="Epoch">The 1-based epoch.</param>
/// <param name="Step">The 0-based minibatch within the epoch.</param>
/// <param name="StepsPerEpoch">Minibatches per epoch.</param>
/// <param name="DatasetSize">Items in the data set being passed over.</param>
/// <param name="Generator">The trainer's seeded generator for ε (checkpointed, so a resumed run draws the same noise).</param>
/// <param name="Device">The device the model and the batch are on.</param>
/// <param name="IsTraining">True in a training step; false during validation, where schedules and floors that shape
/// the training objective (KL warm-up, free bits) are off, so the reported loss is the objective itself.</param>
public sealed record ObjectiveContext(int Epoch, long Step, long StepsPerEpoch, long DatasetSize, Generator Generator, Device Device, bool IsTraining);
