using VaeLib.Data;

namespace VaeLib.Cli;

/// <summary>A training and a test set opened from one source; disposes what it opened.</summary>
/// <param name="Train">Items to train on.</param>
/// <param name="Test">Held-out items for the test loss and the pictures.</param>
/// <param name="Source">The source as the user named it, saved with the model.</param>
/// <param name="Metadata">Facts about the preprocessing to save with the model (e.g. CSV standardization).</param>
/// <param name="Owned">What to dispose with this object.</param>
internal sealed record OpenedData(IDataset Train, IDataset Test, string Source, IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<IDisposable> Owned) : IDisposable
{
    /// <summary>True for tables (vectors), false for images.</summary>
    public bool IsTable => Train.ItemShape.Count == 1;

    public void Dispose()
    {
        foreach (IDisposable owned in Owned)
        {
            owned.Dispose();
        }
    }
}
