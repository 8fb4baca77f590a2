namespace VaeLib.Training;

/// <summary>The outcome of <see cref="Trainer.Fit"/>: one report per completed epoch.</summary>
/// <param name="Epochs">Reports of the completed epochs, in order.</param>
/// <param name="WasCancelled">True when the cancellation token stopped training before the last epoch.</param>
public sealed record TrainingHistory(IReadOnlyList<EpochReport> Epochs, bool WasCancelled);
