using System.Globalization;

namespace VaeLib.Onnx.Runtime;

/// <summary>
/// What an exported VaeLib ONNX file says about itself (its <c>metadata_props</c>, keys <c>vaelib.*</c>): the item
/// shape its input takes, the latent size, the likelihood and the input preprocessing inside the graph.
/// </summary>
public sealed record ExportedModelInfo
{
    /// <summary>Which graph the file holds: <c>encoder</c>, <c>decoder</c> or <c>scorer</c>.</summary>
    public required string Graph { get; init; }

    /// <summary>Shape of one data item, without the batch axis, e.g. <c>[1, 28, 28]</c>.</summary>
    public required IReadOnlyList<long> InputShape { get; init; }

    /// <summary>Number of values of one data item (the product of <see cref="InputShape"/>).</summary>
    public long ItemSize => InputShape.Aggregate(1L, (product, size) => product * size);

    /// <summary>Dimension of z.</summary>
    public required int LatentSize { get; init; }

    /// <summary>The likelihood's name, <c>bernoulli</c> or <c>gaussian</c>.</summary>
    public required string Likelihood { get; init; }

    /// <summary>The preprocessing the graph applies to its input, e.g. <c>pixels / 255</c>, or <c>none</c>.</summary>
    public required string Preprocessing { get; init; }

    /// <summary>What the input takes, e.g. <c>pixel values 0-255</c>: raw values, since the graph scales them itself.</summary>
    public required string InputUnits { get; init; }

    /// <summary>The data source the model was trained on, when the export recorded it.</summary>
    public string? Data { get; init; }

    /// <summary>Reads the facts from a file's metadata.</summary>
    /// <exception cref="InvalidDataException">A fact is missing or unreadable: the file was not written by VaeLib's export.</exception>
    internal static ExportedModelInfo FromMetadata(IReadOnlyDictionary<string, string> metadata, string path)
    {
        string Fact(string key) => metadata.TryGetValue(key, out string? value) && !string.IsNullOrEmpty(value)
            ? value
            : throw new InvalidDataException($"{path}: not a VaeLib ONNX export (its metadata has no {key}); export models with 'vae export'.");

        long[] shape;
        int latent;
        try
        {
            shape = Fact("vaelib.input_shape").Split(',').Select(size => long.Parse(size, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
            latent = int.Parse(Fact("vaelib.latent_size"), NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is FormatException or OverflowException)
        {
            throw new InvalidDataException($"{path}: the VaeLib metadata's input shape or latent size is not a list of whole numbers: {exception.Message}", exception);
        }

        if (shape.Length == 0 || shape.Any(size => size < 1) || latent < 1)
        {
            throw new InvalidDataException($"{path}: the VaeLib metadata declares input shape [{string.Join(", ", shape)}] and latent size {latent}; sizes must be positive.");
        }

        return new ExportedModelInfo
        {
            Graph = Fact("vaelib.graph"),
            InputShape = shape,
            LatentSize = latent,
            Likelihood = Fact("vaelib.likelihood"),
            Preprocessing = Fact("vaelib.preprocessing"),
            InputUnits = Fact("vaelib.input_units"),
            Data = metadata.GetValueOrDefault("vaelib.data"),
        };
    }
}
