using static TorchSharp.torch;

namespace VaeLib.Imputation;

/// <summary>What an <see cref="Imputer"/> returns; the caller owns the tensors.</summary>
/// <param name="Imputed">
/// The point estimate, <c>[N, *S]</c>: observed entries exactly as given, missing entries the average of the
/// likelihood means E[x_m | z_t] over the last <see cref="ImputationOptions.AveragedIterations"/> steps, which
/// estimates E[x_m | x_o] with less noise than averaging the draws.
/// </param>
/// <param name="Draw">The chain's last state, <c>[N, *S]</c>: observed entries as given, missing entries the last draw (or mean).</param>
/// <param name="AcceptanceRate">The fraction of proposals accepted (Metropolis-within-Gibbs); 1 for pseudo-Gibbs, which accepts every step.</param>
public sealed record ImputationResult(Tensor Imputed, Tensor Draw, double AcceptanceRate);
