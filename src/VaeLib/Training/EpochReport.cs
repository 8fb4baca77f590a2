namespace VaeLib.Training;

/// <summary>What one epoch of training measured. Losses are per-item means in nats.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Epochs">Planned number of epochs.</param>
/// <param name="Seconds">Wall-clock seconds of the training pass (validation excluded).</param>
/// <param name="SamplesPerSecond">Training items processed per second.</param>
/// <param name="TrainLoss">Mean training loss, reconstruction + β·KL.</param>
/// <param name="TrainReconstruction">Mean −E_q[log p(x|z)] on the training set: the objective's <c>recon</c> term, NaN when it has none.</param>
/// <param name="TrainKl">Mean KL on the training set: the objective's <c>kl</c> term, NaN when it has none.</param>
/// <param name="Validation">The validation terms, when a validation set was given.</param>
/// <param name="TrainTerms">The mean of every term the objective names (<see cref="Objectives.VaeObjective.TermNames"/>); null in reports read from checkpoints written before terms were named.</param>
public sealed record EpochReport(
    int Epoch,
    int Epochs,
    double Seconds,
    double SamplesPerSecond,
    double TrainLoss,
    double TrainReconstruction,
    double TrainKl,
    ValidationReport? Validation,
    IReadOnlyDictionary<string, double>? TrainTerms = null);
