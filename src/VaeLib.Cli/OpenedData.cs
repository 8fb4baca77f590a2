using VaeLib.Data;

namespace VaeLib.Cli;

/// <summary>A training and a test set opened from one source; disposes both.</summary>
/// <param name="Train">Items to train on.</param>
/// <param name="Test">Held-out items for the test loss and the pictures.</param>
/// <param name="Source">The source as the user named it, saved with the model.</param>
internal sealed record OpenedData(IDataset Train, IDataset Test, string Source) : IDisposable
{
    public void Dispose()
    {
        (Train as IDisposable)?.Dispose();
        (Test as IDisposable)?.Dispose();
    }
}
