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
        init => inputShape = OptionChecks.ImageShape(value, nameof(InputShape), "a convolutional encoder");
    }

    /// <summary>Output channels of each convolution. Default <c>[32, 64]</c>.</summary>
    public IReadOnlyList<int> Channels
    {
        get => channels;
        init => channels = OptionChecks.PositiveSizes(value, nameof(Channels), allowEmpty: false);
    }

    /// <summary>Size of the fully connected layer after the convolutions; 0 for none. Default 256.</summary>
    public int FeatureSize
    {
        get => featureSize;
        init => featureSize = OptionChecks.ZeroOrPositive(value, nameof(FeatureSize), "The feature size");
    }

    /// <summary>Nonlinearity after each layer. Default <see cref="Activation.Relu"/>.</summary>
    public Activation Activation { get; init; } = Activation.Relu;
}
