namespace VaeLib.Data;

/// <summary>A data set whose items carry class labels (for plots, probes and conditional models).</summary>
public interface ILabeledDataset : IDataset
{
    /// <summary>The label of each item, as an index into <see cref="LabelNames"/>.</summary>
    IReadOnlyList<int> Labels { get; }

    /// <summary>The name of each label value, e.g. <c>T-shirt/top</c> or a sub-folder name.</summary>
    IReadOnlyList<string> LabelNames { get; }
}
