using System.Text.Json;
using VaeLib.Persistence;

namespace VaeLib.Data;

/// <summary>
/// The per-column statistics a <see cref="CsvDataset"/> standardizes with: (value − mean) / standard deviation.
/// Computed from a training file and passed back in (<see cref="CsvOptions.Standardization"/>) to load a test file
/// the same way; save it with a model to read new data as the model was trained.
/// </summary>
public sealed record CsvStandardization
{
    /// <summary>The key under which a model's metadata holds the statistics it was trained with (as written by <see cref="ToJson"/>).</summary>
    public const string MetadataKey = "csv_standardization";

    /// <summary>Creates statistics for the given columns.</summary>
    /// <param name="columns">The feature columns' names, in file order (without the label column).</param>
    /// <param name="means">The mean of each column.</param>
    /// <param name="standardDeviations">The standard deviation of each column; positive.</param>
    public CsvStandardization(IReadOnlyList<string> columns, IReadOnlyList<double> means, IReadOnlyList<double> standardDeviations)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(standardDeviations);
        if (columns.Count == 0 || means.Count != columns.Count || standardDeviations.Count != columns.Count)
        {
            throw new ArgumentException($"Standardization needs one mean and one standard deviation per column; found {columns.Count} columns, {means.Count} means and {standardDeviations.Count} standard deviations.", nameof(columns));
        }

        if (means.Any(mean => !double.IsFinite(mean)))
        {
            throw new ArgumentException("Every mean must be a finite number.", nameof(means));
        }

        if (standardDeviations.Any(deviation => !double.IsFinite(deviation) || deviation <= 0))
        {
            throw new ArgumentException("Every standard deviation must be a finite positive number.", nameof(standardDeviations));
        }

        Columns = columns.ToArray();
        Means = means.ToArray();
        StandardDeviations = standardDeviations.ToArray();
    }

    /// <summary>The feature columns' names, in file order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The mean of each column over its non-missing cells.</summary>
    public IReadOnlyList<double> Means { get; }

    /// <summary>The population standard deviation of each column over its non-missing cells; 1 where a column does not vary.</summary>
    public IReadOnlyList<double> StandardDeviations { get; }

    /// <summary>A value of a column in standard units: (value − mean) / standard deviation.</summary>
    /// <param name="column">The column's index in <see cref="Columns"/>.</param>
    /// <param name="value">The value in the file's units.</param>
    /// <returns>The standardized value.</returns>
    public double Standardize(int column, double value) => (value - Means[column]) / StandardDeviations[column];

    /// <summary>The inverse of <see cref="Standardize"/>: a standardized value back in the file's units.</summary>
    /// <param name="column">The column's index in <see cref="Columns"/>.</param>
    /// <param name="standardized">The value in standard units.</param>
    /// <returns>standardized × standard deviation + mean.</returns>
    public double Restore(int column, double standardized) => (standardized * StandardDeviations[column]) + Means[column];

    /// <summary>The statistics as JSON, the form a model's metadata keeps them in under <see cref="MetadataKey"/>.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Reads the statistics a model was trained with from its metadata.</summary>
    /// <param name="metadata">A saved model's metadata.</param>
    /// <returns>The statistics, or null when the metadata holds none (the model was not trained on a CSV file).</returns>
    /// <exception cref="ModelFormatException">The entry under <see cref="MetadataKey"/> is not valid statistics.</exception>
    public static CsvStandardization? FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (!metadata.TryGetValue(MetadataKey, out string? json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<CsvStandardization>(json)
                ?? throw new ModelFormatException($"The model's {MetadataKey} metadata is empty.");
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException)
        {
            throw new ModelFormatException($"The model's {MetadataKey} metadata cannot be read: {exception.Message}", exception);
        }
    }
}
