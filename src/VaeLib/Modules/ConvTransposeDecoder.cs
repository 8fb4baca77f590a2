using TorchSharp;
using static TorchSharp.torch;

namespace VaeLib.Modules;

/// <summary>
/// A transposed-convolution decoder for images: z → (Linear → activation) → Linear to a C₀×h×w feature map →
/// (ConvTranspose2d 4×4 stride 2 → activation) per channel entry, the last one to the image's channels with no
/// activation (its output is the likelihood's parameters).
/// </summary>
public sealed class ConvTransposeDecoder : Decoder
{
    private readonly TorchSharp.Modules.Sequential layers;

    /// <summary>Creates the decoder.</summary>
    /// <param name="options">Latent size, image shape, channels, feature size and activation.</param>
    public ConvTransposeDecoder(ConvTransposeDecoderOptions options)
        : base(nameof(ConvTransposeDecoder), (options ?? throw new ArgumentNullException(nameof(options))).LatentSize, options.OutputShape)
    {
        Options = options;
        int scale = 1 << options.Channels.Count;
        long height = options.OutputShape[1];
        long width = options.OutputShape[2];
        if (height % scale != 0 || width % scale != 0)
        {
            throw new ArgumentException(
                $"{nameof(ConvTransposeDecoder)}: an output of {Shapes.Format(options.OutputShape)} needs height and width divisible by {scale} for {options.Channels.Count} stride-2 layers.",
                nameof(options));
        }

        long[] mapShape = [options.Channels[0], height / scale, width / scale];
        var sequence = nn.Sequential();
        long inFeatures = options.LatentSize;
        if (options.FeatureSize > 0)
        {
            sequence.append("features", nn.Linear(inFeatures, options.FeatureSize));
            sequence.append("featuresActivation", ActivationLayers.Create(options.Activation));
            inFeatures = options.FeatureSize;
        }

        sequence.append("map", nn.Linear(inFeatures, Shapes.ElementCount(mapShape)));
        sequence.append("mapActivation", ActivationLayers.Create(options.Activation));
        sequence.append("unflatten", nn.Unflatten(1, mapShape));
        for (int i = 0; i < options.Channels.Count; i++)
        {
            bool last = i == options.Channels.Count - 1;
            long outChannels = last ? options.OutputShape[0] : options.Channels[i + 1];
            sequence.append($"deconv{i}", nn.ConvTranspose2d(options.Channels[i], outChannels, kernel_size: LayerCalls.KernelSize, stride: LayerCalls.Stride[0], padding: LayerCalls.Padding[0]));
            if (!last)
            {
                sequence.append($"activation{i}", ActivationLayers.Create(options.Activation));
            }
        }

        layers = sequence;
        RegisterComponents();
    }

    /// <summary>The options this decoder was built from.</summary>
    public ConvTransposeDecoderOptions Options { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => LayerCalls.Run(layers, input);
}
