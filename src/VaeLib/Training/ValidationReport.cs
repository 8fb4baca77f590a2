namespace VaeLib.Training;

/// <summary>The loss on a validation set after an epoch, in nats per item, evaluated without gradients.</summary>
/// <param name="Loss">Mean reconstruction + β·KL, without the free-bits floor (the negative ELBO when β = 1).</param>
/// <param name="Reconstruction">Mean −E_q[log p(x|z)].</param>
/// <param name="Kl">Mean KL.</param>
public sealed record ValidationReport(double Loss, double Reconstruction, double Kl);
