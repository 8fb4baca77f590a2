using VaeLib.Data;

namespace VaeLib.Explorer;

/// <summary>The items an explorer shows (usually the model's test set) and how to present their values.</summary>
/// <param name="Items">Items of the model's input shape; labels are shown when it is an <see cref="ILabeledDataset"/>.</param>
/// <param name="Source">The data source as the user named it, shown on the page.</param>
public sealed record ExplorerData(IDataset Items, string Source)
{
    /// <summary>
    /// For a table: the standardization the model's values went through, undone for display so that decoded values
    /// read in the file's own units; null shows the model's values as they are.
    /// </summary>
    public CsvStandardization? Standardization { get; init; }
}
