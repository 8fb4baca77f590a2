using TorchSharp;
using static TorchSharp.torch;

namespace VaeLib.Modules;

/// <summary>
/// The decoder contract: maps latent codes of shape <c>[N, LatentSize]</c> to the parameters of p(x|z) in the
/// data's shape, <c>[N, *OutputShape]</c> (for example Bernoulli logits, or Gaussian means).
/// </summary>
/// <remarks>
/// Return the likelihood's raw parameters, not probabilities: the loss is computed from logits directly, which
/// is stable where a sigmoid followed by a logarithm is not.
/// </remarks>
public abstract class Decoder : nn.Module<Tensor, Tensor>
{
    /// <summary>Initializes the decoder's declared latent size and output shape.</summary>
    /// <param name="name">Module name, as TorchSharp shows it.</param>
    /// <param name="latentSize">Dimension of z.</param>
    /// <param name="outputShape">Shape of one output item, without the batch dimension.</param>
    protected Decoder(string name, long latentSize, IEnumerable<long> outputShape)
        : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(latentSize);
        LatentSize = latentSize;
        OutputShape = Shapes.Validate(outputShape, nameof(outputShape));
    }

    /// <summary>Dimension of z.</summary>
    public long LatentSize { get; }

    /// <summary>Shape of one output item, without the batch dimension.</summary>
    public IReadOnlyList<long> OutputShape { get; }
}
