using System.Text.Json;
using VaeLib.Data;
using VaeLib.Persistence;
using static TorchSharp.torch;

namespace VaeLib.Cli;

/// <summary>The labels a conditional model was trained on, saved in its metadata, and the conditions they give.</summary>
internal static class ConditionLabels
{
    /// <summary>Metadata key of the JSON array of label names, one per condition entry.</summary>
    public const string MetadataKey = "condition_labels";

    /// <summary>Refuses a conditional model in a command that does not take conditions yet.</summary>
    /// <exception cref="UsageException">The model is conditional.</exception>
    public static void RequireUnconditional(SavedModel saved, string command)
    {
        if (saved.Model.IsConditional)
        {
            throw new UsageException($"vae {command} works on unconditional models; this one is conditional on {saved.Model.ConditionSize} labels (trained with --condition label).");
        }
    }

    /// <summary>The saved label names of a conditional model; empty for an unconditional one.</summary>
    public static IReadOnlyList<string> Of(SavedModel saved)
    {
        if (!saved.Model.IsConditional)
        {
            return [];
        }

        string? json = saved.Metadata.GetValueOrDefault(MetadataKey);
        string[]? names = null;
        try
        {
            names = json is null ? null : JsonSerializer.Deserialize<string[]>(json);
        }
        catch (JsonException)
        {
        }

        return names is { Length: > 0 } && names.Length == saved.Model.ConditionSize
            ? names
            : Enumerable.Range(0, saved.Model.ConditionSize).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>Resolves a --label value (a name, or an index) to a label index.</summary>
    public static int Resolve(IReadOnlyList<string> names, string value)
    {
        int byName = names.ToList().FindIndex(name => string.Equals(name, value, StringComparison.OrdinalIgnoreCase));
        if (byName >= 0)
        {
            return byName;
        }

        return int.TryParse(value, out int index) && index >= 0 && index < names.Count
            ? index
            : throw new UsageException($"--label: '{value}' is not one of the model's labels ({string.Join(", ", names)}) nor an index in [0, {names.Count}).");
    }

    /// <summary>The conditions of items of a data set for a conditional model, on its device; null for an unconditional model.</summary>
    public static Tensor? For(VariationalAutoencoder model, IDataset data, Tensor indices) =>
        model.IsConditional && data is IConditionedDataset conditioned ? conditioned.GetConditions(indices).to(model.Device) : null;

    /// <summary>One-hot conditions for the given labels, on the model's device.</summary>
    public static Tensor OneHot(VariationalAutoencoder model, IReadOnlyList<int> labels) =>
        ConditionedDataset.OneHot(labels, model.ConditionSize).to(model.Device);
}
