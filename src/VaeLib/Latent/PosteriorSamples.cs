using static TorchSharp.torch;

namespace VaeLib.Latent;

/// <summary>Reparameterized samples of a posterior and their log-density.</summary>
/// <param name="Z">Samples <c>[K, N, D]</c>.</param>
/// <param name="LogDensity">log q(z|x) of each sample, <c>[K, N]</c>.</param>
public sealed record PosteriorSamples(Tensor Z, Tensor LogDensity);
