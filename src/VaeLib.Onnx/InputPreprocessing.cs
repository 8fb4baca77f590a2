using System.Globalization;
using VaeLib.Data;
using VaeLib.Persistence;

namespace VaeLib.Onnx;

/// <summary>
/// How raw inputs become the values the model was trained on: x_model = (x_raw − Shift) / Divisor, elementwise
/// (one value for all elements, or one per element of an item), then, for a model trained on statically binarized
/// images, x_model = 1 where it is above <see cref="Threshold"/> and 0 elsewhere. The exporter writes it as the first
/// nodes of the encoder and scorer graphs, so their input <c>x</c> takes raw values (pixel values 0–255, CSV values
/// in the file's units) and a consumer cannot feed unscaled or grey data by mistake.
/// </summary>
public sealed record InputPreprocessing
{
    /// <summary>The metadata key under which the <c>vae</c> app saves a model's binarization (<c>none</c>, <c>static</c>, <c>dynamic</c>).</summary>
    public const string BinarizationMetadataKey = "binarization";

    private InputPreprocessing(string description, string units, float[] shift, float[] divisor, float? threshold = null)
    {
        Description = description;
        Units = units;
        Shift = shift;
        Divisor = divisor;
        Threshold = threshold;
    }

    /// <summary>None: the graphs take the model's own units.</summary>
    public static InputPreprocessing None { get; } = new("none", "the model's own units", [0f], [1f]);

    /// <summary>Pixel values 0–255 divided by 255, as VaeLib's image data sets batch their bytes.</summary>
    public static InputPreprocessing PixelIntensities { get; } = new("pixels / 255", "pixel values 0-255", [0f], [255f]);

    /// <summary>
    /// Pixel values 0–255 divided by 255, then 1 above 0.5 and 0 elsewhere: what <see cref="Binarization.Static"/>
    /// (<c>vae train --binarize static</c>) gives the model, in the same float32 operations.
    /// </summary>
    public static InputPreprocessing BinarizedPixels { get; } = new("pixels / 255 > 0.5 (static binarization)", "pixel values 0-255", [0f], [255f], 0.5f);

    /// <summary>A short description, e.g. <c>pixels / 255</c>; written to the files' metadata.</summary>
    public string Description { get; }

    /// <summary>What the graphs' input <c>x</c> takes, e.g. <c>pixel values 0-255</c>; written to the files' metadata.</summary>
    public string Units { get; }

    /// <summary>Subtracted first: one value, or one per element of an item.</summary>
    public IReadOnlyList<float> Shift { get; }

    /// <summary>Divided by next: one value, or one per element of an item.</summary>
    public IReadOnlyList<float> Divisor { get; }

    /// <summary>
    /// Applied last, when set: values above it become 1 and the others 0 (static binarization); null for none.
    /// </summary>
    public float? Threshold { get; }

    /// <summary>True when nothing is done to the input.</summary>
    public bool IsNone => Shift.All(value => value == 0f) && Divisor.All(value => value == 1f) && Threshold is null;

    /// <summary>CSV standardization: each column's mean subtracted and its standard deviation divided.</summary>
    /// <param name="standardization">The statistics the model was trained with.</param>
    /// <returns>The preprocessing.</returns>
    public static InputPreprocessing Standardization(CsvStandardization standardization)
    {
        ArgumentNullException.ThrowIfNull(standardization);
        return new InputPreprocessing(
            "csv standardization (value - column mean) / column standard deviation",
            $"CSV values in the file's units, columns {string.Join(",", standardization.Columns)}",
            standardization.Means.Select(mean => (float)mean).ToArray(),
            standardization.StandardDeviations.Select(deviation => (float)deviation).ToArray());
    }

    /// <summary>
    /// The preprocessing a saved model was trained with, read from its metadata as the <c>vae</c> app writes it: CSV
    /// standardization statistics (<c>csv_standardization</c>) when present; otherwise, for an image model
    /// (<c>[C, H, W]</c>) trained from a named data source (<c>data</c>), pixel values divided by 255, since every image
    /// source of VaeLib batches bytes that way, then thresholded at 0.5 when it was trained with
    /// <c>binarization</c> <c>static</c> (<see cref="BinarizedPixels"/>); otherwise none. A model trained with dynamic
    /// binarization saw Bernoulli draws whose mean is the intensity, so it takes the intensities, as <c>vae</c>'s
    /// scoring commands give it.
    /// </summary>
    /// <param name="metadata">The saved model's metadata.</param>
    /// <param name="inputShape">The shape of one item.</param>
    /// <returns>The preprocessing.</returns>
    /// <exception cref="OnnxExportException">The stored standardization cannot be read or does not fit the input shape.</exception>
    public static InputPreprocessing FromMetadata(IReadOnlyDictionary<string, string> metadata, IReadOnlyList<long> inputShape)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(inputShape);
        CsvStandardization? statistics;
        try
        {
            statistics = CsvStandardization.FromMetadata(metadata);
        }
        catch (ModelFormatException exception)
        {
            throw new OnnxExportException(exception.Message, exception);
        }

        if (statistics is not null)
        {
            if (inputShape.Count != 1 || statistics.Means.Count != inputShape[0])
            {
                throw new OnnxExportException($"The model's {CsvStandardization.MetadataKey} metadata has {statistics.Means.Count} columns; the model reads items of shape [{string.Join(", ", inputShape)}].");
            }

            return Standardization(statistics);
        }

        if (inputShape.Count != 3 || !metadata.ContainsKey("data"))
        {
            return None;
        }

        return Enum.TryParse(metadata.GetValueOrDefault(BinarizationMetadataKey), ignoreCase: true, out Binarization binarization) && binarization == Binarization.Static
            ? BinarizedPixels
            : PixelIntensities;
    }

    /// <summary>Checks the sizes against an item's element count and that every value is finite (divisors non-zero).</summary>
    internal void Check(long elements)
    {
        foreach ((IReadOnlyList<float> values, string name) in new[] { (Shift, nameof(Shift)), (Divisor, nameof(Divisor)) })
        {
            if (values.Count != 1 && values.Count != elements)
            {
                throw new OnnxExportException($"The input preprocessing's {name} has {values.Count} values; an item has {elements} elements, so it needs 1 or {elements}.");
            }

            if (values.Any(value => !float.IsFinite(value)))
            {
                throw new OnnxExportException($"The input preprocessing's {name} holds a NaN or infinite value.");
            }
        }

        if (Divisor.Any(value => value == 0f))
        {
            throw new OnnxExportException("The input preprocessing's Divisor holds a zero.");
        }

        if (Threshold is float threshold && !float.IsFinite(threshold))
        {
            throw new OnnxExportException("The input preprocessing's Threshold is NaN or infinite.");
        }
    }

    /// <summary>The values as text for the files' metadata, comma-separated with invariant culture.</summary>
    internal static string Format(IReadOnlyList<float> values) => string.Join(",", values.Select(value => value.ToString("R", CultureInfo.InvariantCulture)));
}
