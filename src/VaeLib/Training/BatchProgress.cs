namespace VaeLib.Training;

/// <summary>Training has finished a minibatch (no loss is read here: that would synchronise with the device every batch).</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Batch">1-based minibatch number within the epoch.</param>
/// <param name="Batches">Minibatches in the epoch.</param>
public sealed record BatchProgress(int Epoch, long Batch, long Batches);
