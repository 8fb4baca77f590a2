namespace VaeLib.Modules;

/// <summary>Options of <see cref="MlpDecoder"/>: fully connected layers, then a reshape to the data's shape.</summary>
public sealed record MlpDecoderOptions
{
    private readonly long[] outputShape = [1, 28, 28];
    private readonly int[] hiddenSizes = [400];
    private readonly int latentSize = 20;

    /// <summary>Dimension of z. Default 20.</summary>
    public int LatentSize
    {
        get => latentSize;
        init => latentSize = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(LatentSize), value, "The latent size must be positive.");
    }

    /// <summary>Shape of one output item. Default <c>[1, 28, 28]</c>.</summary>
    public IReadOnlyList<long> OutputShape
    {
        get => outputShape;
        init => outputShape = Shapes.Validate(value, nameof(OutputShape));
    }

    /// <summary>Sizes of the hidden layers, from z outwards; empty gives a linear decoder. Default <c>[400]</c>.</summary>
    public IReadOnlyList<int> HiddenSizes
    {
        get => hiddenSizes;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(HiddenSizes));
            if (value.Any(size => size <= 0))
            {
                throw new ArgumentException($"{nameof(HiddenSizes)} must be positive; found [{string.Join(", ", value)}].", nameof(HiddenSizes));
            }

            hiddenSizes = value.ToArray();
        }
    }

    /// <summary>Nonlinearity after each hidden layer. Default <see cref="Activation.Relu"/>.</summary>
    public Activation Activation { get; init; } = Activation.Relu;
}
