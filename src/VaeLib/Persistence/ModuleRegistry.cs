using VaeLib.Modules;

namespace VaeLib.Persistence;

/// <summary>
/// Factories for custom encoders and decoders by name, so a saved model that uses them reloads: register the same
/// names before <see cref="SavedModel.Load"/>. Built-in modules need no registration.
/// </summary>
public sealed class ModuleRegistry
{
    private readonly Dictionary<string, Func<ModuleSpec, Encoder>> encoders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<ModuleSpec, Decoder>> decoders = new(StringComparer.Ordinal);

    /// <summary>Registers a custom encoder.</summary>
    /// <param name="name">The name saved in <see cref="VaeArchitecture.CustomEncoder"/>.</param>
    /// <param name="factory">Builds a freshly initialised encoder for the spec.</param>
    /// <returns>This registry, for chaining.</returns>
    public ModuleRegistry RegisterEncoder(string name, Func<ModuleSpec, Encoder> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        encoders[name] = factory;
        return this;
    }

    /// <summary>Registers a custom decoder.</summary>
    /// <param name="name">The name saved in <see cref="VaeArchitecture.CustomDecoder"/>.</param>
    /// <param name="factory">Builds a freshly initialised decoder for the spec.</param>
    /// <returns>This registry, for chaining.</returns>
    public ModuleRegistry RegisterDecoder(string name, Func<ModuleSpec, Decoder> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        decoders[name] = factory;
        return this;
    }

    internal Encoder CreateEncoder(string name, ModuleSpec spec) =>
        encoders.TryGetValue(name, out var factory)
            ? factory(spec)
            : throw new ArgumentException($"The custom encoder '{name}' is not registered: call ModuleRegistry.RegisterEncoder(\"{name}\", …) and pass the registry to SavedModel.Load.");

    internal Decoder CreateDecoder(string name, ModuleSpec spec) =>
        decoders.TryGetValue(name, out var factory)
            ? factory(spec)
            : throw new ArgumentException($"The custom decoder '{name}' is not registered: call ModuleRegistry.RegisterDecoder(\"{name}\", …) and pass the registry to SavedModel.Load.");
}
