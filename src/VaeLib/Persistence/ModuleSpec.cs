namespace VaeLib.Persistence;

/// <summary>What a registered module factory is given to build a custom encoder or decoder.</summary>
/// <param name="InputShape">Shape of one data item.</param>
/// <param name="LatentSize">Dimension of z.</param>
/// <param name="Settings">The module's own settings, saved in <c>model.json</c>.</param>
public sealed record ModuleSpec(IReadOnlyList<long> InputShape, int LatentSize, IReadOnlyDictionary<string, string> Settings);
