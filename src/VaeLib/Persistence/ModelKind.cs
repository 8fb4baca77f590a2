namespace VaeLib.Persistence;

/// <summary>The built-in network families a <see cref="VaeArchitecture"/> can describe.</summary>
public enum ModelKind
{
    /// <summary><see cref="Modules.MlpEncoder"/> and <see cref="Modules.MlpDecoder"/>.</summary>
    Mlp,

    /// <summary><see cref="Modules.ConvEncoder"/> and <see cref="Modules.ConvTransposeDecoder"/> (images only).</summary>
    Conv,
}
