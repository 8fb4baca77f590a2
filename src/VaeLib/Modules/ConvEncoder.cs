using TorchSharp;
using static TorchSharp.torch;

namespace VaeLib.Modules;

/// <summary>
/// A convolutional encoder for images <c>[C, H, W]</c>: (Conv2d 4×4 stride 2 → activation) per channel count,
/// flatten, then an optional (Linear → activation).
/// </summary>
public sealed class ConvEncoder : Encoder
{
    private readonly TorchSharp.Modules.Sequential layers;

    /// <summary>Creates the encoder.</summary>
    /// <param name="options">Image shape, channels, feature size and activation.</param>
    public ConvEncoder(ConvEncoderOptions options)
        : base(nameof(ConvEncoder), (options ?? throw new ArgumentNullException(nameof(options))).InputShape, OutputSizeOf(options))
    {
        Options = options;
        var sequence = nn.Sequential();
        long inChannels = options.InputShape[0];
        for (int i = 0; i < options.Channels.Count; i++)
        {
            sequence.append($"conv{i}", nn.Conv2d(inChannels, options.Channels[i], kernel_size: LayerCalls.KernelSize, stride: LayerCalls.Stride[0], padding: LayerCalls.Padding[0]));
            sequence.append($"activation{i}", ActivationLayers.Create(options.Activation));
            inChannels = options.Channels[i];
        }

        sequence.append("flatten", nn.Flatten(1));
        if (options.FeatureSize > 0)
        {
            sequence.append("features", nn.Linear(FlattenedSize(options), options.FeatureSize));
            sequence.append("featuresActivation", ActivationLayers.Create(options.Activation));
        }

        layers = sequence;
        RegisterComponents();
    }

    /// <summary>The options this encoder was built from.</summary>
    public ConvEncoderOptions Options { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => LayerCalls.Run(layers, input);

    private static long OutputSizeOf(ConvEncoderOptions options) =>
        options.FeatureSize > 0 ? options.FeatureSize : FlattenedSize(options);

    private static long FlattenedSize(ConvEncoderOptions options)
    {
        long height = options.InputShape[1];
        long width = options.InputShape[2];
        foreach (int _ in options.Channels)
        {
            // kernel 4, stride 2, padding 1: out = floor((in + 2 - 4) / 2) + 1 = floor(in / 2)
            height /= 2;
            width /= 2;
        }

        if (height < 1 || width < 1)
        {
            throw new ArgumentException(
                $"An image of {Shapes.Format(options.InputShape)} is too small for {options.Channels.Count} stride-2 convolutions.",
                nameof(options));
        }

        return options.Channels[^1] * height * width;
    }
}
