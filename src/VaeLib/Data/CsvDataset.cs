using System.Globalization;
using System.Text;
using static TorchSharp.torch;

namespace VaeLib.Data;

/// <summary>
/// Numeric rows from a CSV file with a header row, standardized per column, with missing cells kept as a mask.
/// Items have shape <c>[columns]</c> (every column but the label column, in file order).
/// </summary>
/// <remarks>
/// <para>Numbers are read with the invariant culture (a point for decimals). An empty cell is a missing value: it
/// is left out of the statistics, batched as 0 (the mean, after standardization) and marked in
/// <see cref="GetMissingMask"/>. Cells may be quoted with <c>"</c> (a doubled quote inside stands for one) but may not
/// span lines; blank lines are skipped. Row numbers in messages are line numbers, the header being line 1.</para>
/// <para>Cells must be finite numbers: <c>NaN</c>, <c>Infinity</c> and numbers beyond the range of a double (such as
/// <c>1e400</c>) are refused, as are numbers so large that their column's sum overflows or their standardized value
/// lies beyond the range of a 32-bit float.</para>
/// <para>Standardization uses each column's mean and population standard deviation over its non-missing cells;
/// a column that does not vary (or has fewer than two values) gets standard deviation 1, and a column with no
/// values mean 0.</para>
/// </remarks>
public sealed class CsvDataset : ILabeledDataset, IDisposable
{
    private readonly Tensor values;
    private readonly Tensor missing;

    private CsvDataset(Tensor values, Tensor missing, int[] labels, string[] labelNames, CsvStandardization standardization)
    {
        this.values = values.DetachFromDisposeScope();
        this.missing = missing.DetachFromDisposeScope();
        Labels = labels;
        LabelNames = labelNames;
        Standardization = standardization;
        ItemShape = [standardization.Columns.Count];
    }

    /// <inheritdoc />
    public long Count => values.size(0);

    /// <inheritdoc />
    public IReadOnlyList<long> ItemShape { get; }

    /// <summary>The label of each row as an index into <see cref="LabelNames"/>; empty when there is no label column.</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>The distinct labels sorted ordinally (or <see cref="CsvOptions.LabelNames"/>); empty when there is no label column.</summary>
    public IReadOnlyList<string> LabelNames { get; }

    /// <summary>The statistics the values were standardized with; pass them to load another file the same way.</summary>
    public CsvStandardization Standardization { get; }

    /// <summary>Number of rows with at least one missing cell.</summary>
    public long RowsWithMissingValues { get; private set; }

    /// <summary>The column names of a CSV file's header row (its first non-empty line), read without the rest of the file.</summary>
    /// <exception cref="DataFormatException">The file cannot be read, or its header row is malformed.</exception>
    internal static string[] ReadHeader(string path, char separator = ',')
    {
        string? line;
        int row = 0;
        try
        {
            using var reader = new StreamReader(path);
            do
            {
                line = reader.ReadLine();
                row++;
            }
            while (line is { Length: 0 });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException($"{path}: cannot be read: {e.Message}", e);
        }

        return line is null ? [] : Split(path, line, row, separator).Select(name => name.Trim()).ToArray();
    }

    /// <summary>Reads a CSV file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Label column, statistics to reuse, separator; null for the defaults.</param>
    /// <returns>The standardized rows.</returns>
    /// <exception cref="DataFormatException">The file is missing or empty, has no header or no data rows, a row has the
    /// wrong number of cells, a cell is not a finite number or is too large to standardize, the label column is absent, or the columns differ from
    /// <see cref="CsvOptions.Standardization"/>'s.</exception>
    public static CsvDataset Load(string path, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new CsvOptions();
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException($"{path}: cannot be read: {e.Message}", e);
        }

        int headerIndex = Array.FindIndex(lines, line => line.Length > 0);
        if (headerIndex < 0)
        {
            throw DataFormatException.For(path, "the file is empty; expected a header row of column names, then rows of numbers.");
        }

        string[] header = Split(path, lines[headerIndex], headerIndex + 1, options.Separator).Select(name => name.Trim()).ToArray();
        CheckHeader(path, header);
        if (header.Length > options.MaxColumns)
        {
            throw DataFormatException.For(path, $"has {header.Length} columns; at most {options.MaxColumns} are read (CsvOptions.MaxColumns, vae train --max-columns, raises the limit).");
        }

        int labelIndex = -1;
        if (options.LabelColumn is not null)
        {
            labelIndex = Array.IndexOf(header, options.LabelColumn);
            if (labelIndex < 0)
            {
                throw DataFormatException.For(path, $"no label column '{options.LabelColumn}'; the columns are {string.Join(", ", header)}.");
            }
        }

        string[] columns = header.Where((_, i) => i != labelIndex).ToArray();
        if (columns.Length == 0)
        {
            throw DataFormatException.For(path, "has no feature columns besides the label column.");
        }

        if (options.Standardization is { } given && !given.Columns.SequenceEqual(columns, StringComparer.Ordinal))
        {
            throw DataFormatException.For(path, $"its columns ({string.Join(", ", columns)}) differ from the standardization's ({string.Join(", ", given.Columns)}).");
        }

        var rows = new List<double[]>();
        var lineNumbers = new List<int>();
        var labelTexts = new List<string>();
        for (int i = headerIndex + 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            string[] cells = Split(path, lines[i], i + 1, options.Separator);
            if (cells.Length != header.Length)
            {
                throw DataFormatException.For(path, $"row {i + 1} has {cells.Length} cells; expected {header.Length}, as in the header.");
            }

            var row = new double[columns.Length];
            int c = 0;
            for (int j = 0; j < cells.Length; j++)
            {
                string cell = cells[j].Trim();
                if (j == labelIndex)
                {
                    labelTexts.Add(cell.Length > 0 ? cell : throw DataFormatException.For(path, $"row {i + 1} has no label in column '{header[j]}'."));
                    continue;
                }

                row[c++] = cell.Length == 0 ? double.NaN : ParseNumber(path, cell, i + 1, header[j]);
            }

            rows.Add(row);
            lineNumbers.Add(i + 1);
        }

        if (rows.Count == 0)
        {
            throw DataFormatException.For(path, "has a header but no data rows.");
        }

        (int[] labels, string[] labelNames) = IndexLabels(path, labelTexts, options.LabelNames);
        CsvStandardization standardization = options.Standardization ?? Compute(path, rows, columns);
        return Build(path, rows, lineNumbers, labels, labelNames, standardization);
    }

    /// <inheritdoc />
    public Tensor GetBatch(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return values.index_select(0, indices);
    }

    /// <summary>Which cells of the given rows were missing in the file.</summary>
    /// <param name="indices">Int64 row indices, shape <c>[B]</c>.</param>
    /// <returns>A new bool tensor <c>[B, columns]</c>, true where the cell was empty; the caller owns it.</returns>
    public Tensor GetMissingMask(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return missing.index_select(0, indices);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        values.Dispose();
        missing.Dispose();
    }

    private static CsvDataset Build(string path, List<double[]> rows, List<int> lineNumbers, int[] labels, string[] labelNames, CsvStandardization standardization)
    {
        int width = standardization.Columns.Count;
        var data = new float[(long)rows.Count * width];
        var absent = new bool[data.Length];
        long rowsWithMissing = 0;
        for (int r = 0; r < rows.Count; r++)
        {
            bool any = false;
            for (int c = 0; c < width; c++)
            {
                double value = rows[r][c];
                bool isMissing = double.IsNaN(value);
                any |= isMissing;
                absent[(r * width) + c] = isMissing;
                float standardized = isMissing ? 0f : (float)standardization.Standardize(c, value);
                if (!float.IsFinite(standardized))
                {
                    throw DataFormatException.For(path, $"row {lineNumbers[r]}, column '{standardization.Columns[c]}': {value.ToString(CultureInfo.InvariantCulture)} is too large: standardized it is beyond the range of a 32-bit float.");
                }

                data[(r * width) + c] = standardized;
            }

            rowsWithMissing += any ? 1 : 0;
        }

        using var scope = NewDisposeScope();
        return new CsvDataset(tensor(data, [rows.Count, width]), tensor(absent, [rows.Count, width]), labels, labelNames, standardization)
        {
            RowsWithMissingValues = rowsWithMissing,
        };
    }

    private static CsvStandardization Compute(string path, List<double[]> rows, string[] columns)
    {
        var means = new double[columns.Length];
        var deviations = new double[columns.Length];
        for (int c = 0; c < columns.Length; c++)
        {
            double[] present = rows.Select(row => row[c]).Where(value => !double.IsNaN(value)).ToArray();
            double mean = present.Length > 0 ? present.Average() : 0;
            if (!double.IsFinite(mean))
            {
                throw DataFormatException.For(path, $"column '{columns[c]}': the numbers are too large to standardize (their sum overflows a double).");
            }

            double variance = present.Length > 0 ? present.Sum(value => (value - mean) * (value - mean)) / present.Length : 0;
            means[c] = mean;

            // A constant column carries no information to scale; dividing by 1 leaves it at 0 after centring.
            deviations[c] = variance > 0 && double.IsFinite(variance) ? Math.Sqrt(variance) : 1;
        }

        return new CsvStandardization(columns, means, deviations);
    }

    private static (int[] Labels, string[] Names) IndexLabels(string path, List<string> texts, IReadOnlyList<string>? given)
    {
        if (texts.Count == 0)
        {
            return ([], []);
        }

        string[] names = given?.ToArray() ?? texts.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var index = names.Select((name, i) => (name, i)).ToDictionary(pair => pair.name, pair => pair.i, StringComparer.Ordinal);
        var labels = new int[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            if (!index.TryGetValue(texts[i], out labels[i]))
            {
                throw DataFormatException.For(path, $"label '{texts[i]}' of data row {i + 1} is not among the given label names ({string.Join(", ", names)}).");
            }
        }

        return (labels, names);
    }

    private static void CheckHeader(string path, string[] header)
    {
        // A first row of numbers is data, not names: the file has no header.
        if (header.All(name => double.TryParse(name, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            throw DataFormatException.For(path, $"no header row: the first row ({string.Join(", ", header)}) is numbers; expected column names.");
        }

        int empty = Array.FindIndex(header, name => name.Length == 0);
        if (empty >= 0)
        {
            throw DataFormatException.For(path, $"header column {empty + 1} has no name.");
        }

        string? duplicate = header.GroupBy(name => name, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            throw DataFormatException.For(path, $"the header names column '{duplicate}' twice.");
        }
    }

    private static double ParseNumber(string path, string cell, int row, string column)
    {
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw DataFormatException.For(path, $"row {row}, column '{column}': '{cell}' is not a finite number (use an empty cell for a missing value).");
        }

        return value;
    }

    private static string[] Split(string path, string line, int row, char separator)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == separator)
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(ch);
            }
        }

        if (quoted)
        {
            throw DataFormatException.For(path, $"row {row} has a quote that is not closed (cells may not span lines).");
        }

        cells.Add(cell.ToString());
        return cells.ToArray();
    }
}
