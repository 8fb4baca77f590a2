namespace VaeLib.Training;

/// <summary>The loss on a validation set after an epoch, in nats per item, evaluated without gradients.</summary>
/// <param name="Loss">The objective's mean loss in validation; for the ELBO, reconstruction + β·KL without the free-bits floor or warm-up (the negative ELBO when β = 1).</param>
/// <param name="Reconstruction">Mean −E_q[log p(x|z)] (the <c>recon</c> term; NaN when the objective has none).</param>
/// <param name="Kl">Mean KL (the <c>kl</c> term; NaN when the objective has none).</param>
/// <param name="Terms">The mean of every term the objective names; null in reports read from checkpoints written before terms were named.</param>
public sealed record ValidationReport(double Loss, double Reconstruction, double Kl, IReadOnlyDictionary<string, double>? Terms = null);
