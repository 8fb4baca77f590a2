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
        init => latentSize = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(LatentSize), value, "The latent size must be positive.");
    }

    /// <summary>
    /// Shape of one image, <c>[C, H, W]</c>; H and W must be divisible by 2^(number of channel entries).
    /// Default <c>[1, 28, 28]</c>.
    /// </summary>
    public IReadOnlyList<long> OutputShape
    {
        get => outputShape;
        init
        {
            long[] shape = Shapes.Validate(value, nameof(OutputShape));
            if (shape.Length != 3)
            {
                throw new ArgumentException($"{nameof(OutputShape)} of a transposed-convolution decoder must be [C, H, W]; found {Shapes.Format(shape)}.", nameof(OutputShape));
            }

            outputShape = shape;
        }
    }

    /// <summary>
    /// Channels of the feature maps from the innermost outwards; the last transposed convolution maps the last entry
    /// to the image's channels. Default <c>[64, 32]</c> (7×7×64 → 14×14×32 → 28×28×C).
    /// </summary>
    public IReadOnlyList<int> Channels
    {
        get => channels;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Channels));
            if (value.Count == 0 || value.Any(size => size <= 0))
            {
                throw new ArgumentException($"{nameof(Channels)} must be a non-empty list of positive sizes; found [{string.Join(", ", value)}].", nameof(Channels));
            }

            channels = value.ToArray();
        }
    }

    /// <summary>Size of the fully connected layer after z; 0 for none. Default 256.</summary>
    public int FeatureSize
    {
        get => featureSize;
        init => featureSize = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(FeatureSize), value, "The feature size must be 0 (none) or positive.");
    }

    /// <summary>Nonlinearity after each hidden layer. Default <see cref="Activation.Relu"/>.</summary>
    public Activation Activation { get; init; } = Activation.Relu;
}
