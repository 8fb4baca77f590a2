using TorchSharp;
using static TorchSharp.torch;

namespace VaeLib.Latent;

/// <summary>
/// The Gaussian latent layer: two linear heads map the encoder's features to μ and log σ² of q(z|x).
/// Sampling and the KL term live on the returned <see cref="GaussianPosterior"/>.
/// </summary>
public sealed class GaussianLatent : nn.Module<Tensor, GaussianPosterior>
{
    private readonly nn.Module<Tensor, Tensor> meanHead;
    private readonly nn.Module<Tensor, Tensor> logVarianceHead;

    /// <summary>Creates the two heads.</summary>
    /// <param name="featureSize">Number of encoder features per item.</param>
    /// <param name="latentSize">Dimension of z.</param>
    public GaussianLatent(long featureSize, long latentSize)
        : base(nameof(GaussianLatent))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(latentSize);
        FeatureSize = featureSize;
        LatentSize = latentSize;
        meanHead = nn.Linear(featureSize, latentSize);
        logVarianceHead = nn.Linear(featureSize, latentSize);
        RegisterComponents();
    }

    /// <summary>Number of encoder features per item.</summary>
    public long FeatureSize { get; }

    /// <summary>Dimension of z.</summary>
    public long LatentSize { get; }

    /// <summary>Maps features <c>[N, FeatureSize]</c> to q(z|x).</summary>
    /// <param name="input">The encoder's features.</param>
    /// <returns>μ and log σ², each <c>[N, LatentSize]</c>.</returns>
    public override GaussianPosterior forward(Tensor input) => new(meanHead.call(input), logVarianceHead.call(input));
}
