using VaeLib.Latent;
using static TorchSharp.torch;

namespace VaeLib;

/// <summary>Everything one forward pass computes, for a batch of N items and K samples of z per item.</summary>
/// <param name="Posterior">q(z|x): μ and log σ², each <c>[N, D]</c>.</param>
/// <param name="Z">Reparameterized samples, <c>[K, N, D]</c>.</param>
/// <param name="DecoderOutput">The likelihood's parameters for each sample, <c>[K, N, *S]</c>.</param>
public sealed record VaeOutput(GaussianPosterior Posterior, Tensor Z, Tensor DecoderOutput);
