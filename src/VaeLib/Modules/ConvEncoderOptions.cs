namespace VaeLib.Modules;

/// <summary>
/// Options of <see cref="ConvEncoder"/>: convolutions with kernel 4, stride 2 and padding 1 (each halves the
/// height and width, rounding down), then an optional fully connected layer.
/// </summary>
public sealed record ConvEncoderOptions
{
    private readonly long[] inputShape = [1, 28, 28];
    private readonly int[] channels = [32, 64];
    private readonly int featureSize = 256;

    /// <summary>Shape of one image, <c>[C, H, W]</c>. Default <c>[1, 28, 28]</c>.</summary>
    public IReadOnlyList<long> InputShape
    {
        get => inputShape;
        init
        {
            long[] shape = Shapes.Validate(value, nameof(InputShape));
            if (shape.Length != 3)
            {
                throw new ArgumentException($"{nameof(InputShape)} of a convolutional encoder must be [C, H, W]; found {Shapes.Format(shape)}.", nameof(InputShape));
            }

            inputShape = shape;
        }
    }

    /// <summary>Output channels of each convolution. Default <c>[32, 64]</c>.</summary>
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

    /// <summary>Size of the fully connected layer after the convolutions; 0 for none. Default 256.</summary>
    public int FeatureSize
    {
        get => featureSize;
        init => featureSize = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(FeatureSize), value, "The feature size must be 0 (none) or positive.");
    }

    /// <summary>Nonlinearity after each layer. Default <see cref="Activation.Relu"/>.</summary>
    public Activation Activation { get; init; } = Activation.Relu;
}
