using System.Globalization;
using System.Text;
using VaeLib.Data;

namespace VaeLib.Cli.Commands;

/// <summary>Writes values into the empty cells of a CSV file, leaving every other character of the file as it was.</summary>
internal static class CsvCellFiller
{
    /// <summary>Returns the file's text with its empty feature cells filled, in the file's units.</summary>
    /// <param name="path">The file <see cref="CsvDataset.Load"/> read (same rules: header first, blank lines skipped, comma separator, quotes).</param>
    /// <param name="labelColumn">The label column, which is never filled, or null.</param>
    /// <param name="standardization">Turns standardized values back into the file's units.</param>
    /// <param name="standardized">Row-major values <c>[rows, columns]</c> in standardized units.</param>
    /// <param name="missing">Row-major flags, true where the cell was empty.</param>
    public static string Fill(string path, string? labelColumn, CsvStandardization standardization, float[] standardized, bool[] missing)
    {
        string text = File.ReadAllText(path);
        int columns = standardization.Columns.Count;
        var output = new StringBuilder(text.Length + (missing.Count(m => m) * 10));
        int row = -1; // −1 until the header has been passed
        int labelIndex = -1;
        int lineStart = 0;
        while (lineStart < text.Length)
        {
            int newline = text.IndexOf('\n', lineStart);
            int next = newline < 0 ? text.Length : newline + 1;
            int contentEnd = newline < 0 ? text.Length : newline;
            contentEnd = contentEnd > lineStart && text[contentEnd - 1] == '\r' ? contentEnd - 1 : contentEnd;
            string line = text[lineStart..contentEnd];
            if (line.Length > 0 && row < 0)
            {
                row = 0;
                labelIndex = labelColumn is null ? -1 : Cells(line).FindIndex(cell => Unquote(line[cell]) == labelColumn);
                output.Append(line);
            }
            else if (line.Length > 0)
            {
                int feature = 0;
                int copied = 0;
                List<Range> cells = Cells(line);
                for (int j = 0; j < cells.Count; j++)
                {
                    if (j == labelIndex)
                    {
                        continue;
                    }

                    int flat = (row * columns) + feature++;
                    if (missing[flat])
                    {
                        (int offset, int length) = cells[j].GetOffsetAndLength(line.Length);
                        double value = standardization.Restore(feature - 1, standardized[flat]);
                        output.Append(line, copied, offset - copied).Append(value.ToString("G7", CultureInfo.InvariantCulture));
                        copied = offset + length;
                    }
                }

                output.Append(line, copied, line.Length - copied);
                row++;
            }
            else
            {
                output.Append(line);
            }

            output.Append(text, contentEnd, next - contentEnd);
            lineStart = next;
        }

        return output.ToString();
    }

    /// <summary>The character ranges of a line's cells, quotes included, split at commas outside quotes.</summary>
    private static List<Range> Cells(string line)
    {
        var cells = new List<Range>();
        bool quoted = false;
        int start = 0;
        for (int i = 0; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                quoted = !quoted;
            }
            else if (line[i] == ',' && !quoted)
            {
                cells.Add(start..i);
                start = i + 1;
            }
        }

        cells.Add(start..line.Length);
        return cells;
    }

    private static string Unquote(string cell)
    {
        string trimmed = cell.Trim();
        return trimmed.Length >= 2 && trimmed[0] == '"' && trimmed[^1] == '"' ? trimmed[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal).Trim() : trimmed;
    }
}
