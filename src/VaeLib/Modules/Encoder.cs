using TorchSharp;
using static TorchSharp.torch;

namespace VaeLib.Modules;

/// <summary>
/// The encoder contract: maps a batch of inputs of shape <c>[N, *InputShape]</c> to features of shape
/// <c>[N, OutputSize]</c>. The <see cref="Latent.GaussianLatent"/> layer turns the features into μ and log σ².
/// </summary>
/// <remarks>
/// To plug in your own network, derive from this class, create your layers in the constructor, call
/// <c>RegisterComponents()</c>, and override <c>forward</c>. The model checks the declared sizes against a
/// forward pass when it is constructed.
/// </remarks>
public abstract class Encoder : nn.Module<Tensor, Tensor>
{
    /// <summary>Initializes the encoder's declared input shape and output size.</summary>
    /// <param name="name">Module name, as TorchSharp shows it.</param>
    /// <param name="inputShape">Shape of one input item, without the batch dimension, e.g. <c>[1, 28, 28]</c>.</param>
    /// <param name="outputSize">Number of features per item that <c>forward</c> returns.</param>
    protected Encoder(string name, IEnumerable<long> inputShape, long outputSize)
        : base(name)
    {
        InputShape = Shapes.Validate(inputShape, nameof(inputShape));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        OutputSize = outputSize;
    }

    /// <summary>Shape of one input item, without the batch dimension.</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>Number of features per item.</summary>
    public long OutputSize { get; }
}
