using TorchSharp;
using static TorchSharp.torch;

namespace VaeLib.Modules;

/// <summary>A fully connected encoder: flatten → (Linear → activation) for each hidden size.</summary>
public sealed class MlpEncoder : Encoder
{
    private readonly nn.Module<Tensor, Tensor> layers;

    /// <summary>Creates the encoder.</summary>
    /// <param name="options">Input shape, hidden sizes and activation.</param>
    public MlpEncoder(MlpEncoderOptions options)
        : base(nameof(MlpEncoder), (options ?? throw new ArgumentNullException(nameof(options))).InputShape, OutputSizeOf(options))
    {
        Options = options;
        var sequence = nn.Sequential();
        sequence.append("flatten", nn.Flatten(1));
        long width = Shapes.ElementCount(options.InputShape);
        for (int i = 0; i < options.HiddenSizes.Count; i++)
        {
            sequence.append($"linear{i}", nn.Linear(width, options.HiddenSizes[i]));
            sequence.append($"activation{i}", ActivationLayers.Create(options.Activation));
            width = options.HiddenSizes[i];
        }

        layers = sequence;
        RegisterComponents();
    }

    /// <summary>The options this encoder was built from.</summary>
    public MlpEncoderOptions Options { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => layers.call(input);

    private static long OutputSizeOf(MlpEncoderOptions options) =>
        options.HiddenSizes.Count == 0 ? Shapes.ElementCount(options.InputShape) : options.HiddenSizes[^1];
}
