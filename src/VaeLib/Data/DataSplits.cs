namespace VaeLib.Data;

/// <summary>A training set and a test set loaded together; disposing the pair disposes both.</summary>
/// <param name="Train">The training images.</param>
/// <param name="Test">The held-out test images.</param>
public sealed record DataSplits(ImageDataset Train, ImageDataset Test) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}
