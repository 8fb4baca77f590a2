namespace VaeLib.Modules;

/// <summary>
/// Options of <see cref="ConvTransposeDecoder"/>: fully connected layers from z to a small feature map, then
/// transposed convolutions with kernel 4, stride 2 and padding 1, each doubling the height and width.
/// </summary>
public sealed record ConvTransposeDecoderOptions
{
    private readonly long[] outputShape = [1, 28, 28];
    private readonly int[] channels = [64, 32];
    private readonly int featureSize = 256;
    private readonly int latentSize = 20;

    /// <summary>Dimension of z. Default 20.</summary>
    public int LatentSize
    {
        get => latentSize;
        init => latentSize = OptionChecks.Positive(value, nameof(LatentSize), "The latent size");
    }

    /// <summary>
    /// Shape of one image, <c>[C, H, W]</c>; H and W must be divisible by 2^(number of channel entries).
    /// Default <c>[1, 28, 28]</c>.
    /// </summary>
    public IReadOnlyList<long> OutputShape
    {
        get => outputShape;
        init => outputShape = OptionChecks.ImageShape(value, nameof(OutputShape), "a transposed-convolution decoder");
    }

    /// <summary>
    /// Channels of the feature maps from the innermost outwards; the last transposed convolution maps the last entry
    /// to the image's channels. Default <c>[64, 32]</c> (7×7×64 → 14×14×32 → 28×28×C).
    /// </summary>
    public IReadOnlyList<int> Channels
    {
        get => channels;
        init => channels = OptionChecks.PositiveSizes(value, nameof(Channels), allowEmpty: false);
    }

    /// <summary>Size of the fully connected layer after z; 0 for none. Default 256.</summary>
    public int FeatureSize
    {
        get => featureSize;
        init => featureSize = OptionChecks.ZeroOrPositive(value, nameof(FeatureSize), "The feature size");
    }

    /// <summary>Nonlinearity after each hidden layer. Default <see cref="Activation.Relu"/>.</summary>
    public Activation Activation { get; init; } = Activation.Relu;
}
