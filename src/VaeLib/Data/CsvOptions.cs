namespace VaeLib.Data;

/// <summary>Options of <see cref="CsvDataset.Load"/>.</summary>
public sealed record CsvOptions
{
    private readonly int maxColumns = DefaultMaxColumns;

    private readonly string? labelColumn;
    private readonly char separator = ',';
    private readonly IReadOnlyList<string>? labelNames;

    /// <summary>The name of the column that holds each row's class (any text); null for none. Default none.</summary>
    public string? LabelColumn
    {
        get => labelColumn;
        init => labelColumn = value is null || value.Length > 0
            ? value
            : throw new ArgumentException("The label column's name must not be empty; use null for none.", nameof(LabelColumn));
    }

    /// <summary>
    /// Statistics to standardize with, from the training file (<see cref="CsvDataset.Standardization"/>); null to
    /// compute them from this file. Default null.
    /// </summary>
    public CsvStandardization? Standardization { get; init; }

    /// <summary>
    /// The label names to index labels into, e.g. the training set's <see cref="CsvDataset.LabelNames"/>, so a test
    /// file's labels get the training file's numbers; null to use this file's distinct labels, sorted ordinally.
    /// </summary>
    public IReadOnlyList<string>? LabelNames
    {
        get => labelNames;
        init => labelNames = value is null || (value.Count > 0 && value.Distinct(StringComparer.Ordinal).Count() == value.Count)
            ? value?.ToArray()
            : throw new ArgumentException("Label names must be non-empty and distinct.", nameof(LabelNames));
    }

    /// <summary>The cell separator. Default a comma.</summary>
    public char Separator
    {
        get => separator;
        init => separator = value is not ('"' or '\r' or '\n')
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Separator), value, "The separator cannot be a quote or a line break.");
    }

    /// <summary>The default of <see cref="MaxColumns"/>: 10 000.</summary>
    public const int DefaultMaxColumns = 10_000;

    /// <summary>
    /// The most columns a file may have (label column included); a wider file is refused after its header row, before
    /// any data row is parsed. Default <see cref="DefaultMaxColumns"/>: a million columns took 1.9 GB to train into a
    /// 58 MB model description.
    /// </summary>
    public int MaxColumns
    {
        get => maxColumns;
        init => maxColumns = OptionChecks.Positive(value, nameof(MaxColumns), "The column limit");
    }
}
