using TorchSharp;
using static TorchSharp.torch;

namespace VaeLib.Modules;

/// <summary>
/// A fully connected decoder: (Linear → activation) for each hidden size, a final Linear to the number of data
/// elements, and a reshape to the data's shape. The output has no activation: it is the likelihood's parameters.
/// </summary>
public sealed class MlpDecoder : Decoder
{
    private readonly nn.Module<Tensor, Tensor> layers;

    /// <summary>Creates the decoder.</summary>
    /// <param name="options">Latent size, output shape, hidden sizes and activation.</param>
    public MlpDecoder(MlpDecoderOptions options)
        : base(nameof(MlpDecoder), (options ?? throw new ArgumentNullException(nameof(options))).LatentSize, options.OutputShape)
    {
        Options = options;
        var sequence = nn.Sequential();
        long width = options.LatentSize;
        for (int i = 0; i < options.HiddenSizes.Count; i++)
        {
            sequence.append($"linear{i}", nn.Linear(width, options.HiddenSizes[i]));
            sequence.append($"activation{i}", ActivationLayers.Create(options.Activation));
            width = options.HiddenSizes[i];
        }

        sequence.append("output", nn.Linear(width, Shapes.ElementCount(options.OutputShape)));
        sequence.append("unflatten", nn.Unflatten(1, options.OutputShape.ToArray()));
        layers = sequence;
        RegisterComponents();
    }

    /// <summary>The options this decoder was built from.</summary>
    public MlpDecoderOptions Options { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => layers.call(input);
}
