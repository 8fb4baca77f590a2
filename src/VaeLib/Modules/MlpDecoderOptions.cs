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
        init => latentSize = OptionChecks.Positive(value, nameof(LatentSize), "The latent size");
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
        init => hiddenSizes = OptionChecks.PositiveSizes(value, nameof(HiddenSizes), allowEmpty: true);
    }

    /// <summary>Nonlinearity after each hidden layer. Default <see cref="Activation.Relu"/>.</summary>
    public Activation Activation { get; init; } = Activation.Relu;
}
