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

    /// <summary>
    /// The same splits with each item conditioned on its one-hot label, for a conditional VAE. The result takes over
    /// what this object owns: dispose the result only (on failure this object is disposed).
    /// </summary>
    /// <exception cref="UsageException">The source has no labels.</exception>
    public OpenedData WithLabelConditions()
    {
        if (Train is not ILabeledDataset { LabelNames.Count: > 0 } train || Test is not ILabeledDataset { LabelNames.Count: > 0 } test)
        {
            Dispose();
            throw new UsageException($"--condition label needs labelled data; {Source} has no labels (for a CSV file, name the label column with --label-column).");
        }

        ConditionedDataset conditionedTrain = ConditionedDataset.FromLabels(train);
        ConditionedDataset conditionedTest = ConditionedDataset.FromLabels(test);
        return this with { Train = conditionedTrain, Test = conditionedTest, Owned = [conditionedTrain, conditionedTest, .. Owned] };
    }

    public void Dispose()
    {
        foreach (IDisposable owned in Owned)
        {
            owned.Dispose();
        }
    }
}
