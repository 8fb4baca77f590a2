using TorchSharp;
using static TorchSharp.torch;

namespace VaeLib.Modules;

/// <summary>Creates the TorchSharp layer for an <see cref="Activation"/>.</summary>
internal static class ActivationLayers
{
    public static nn.Module<Tensor, Tensor> Create(Activation activation) => activation switch
    {
        Activation.Relu => nn.ReLU(),
        Activation.LeakyRelu => nn.LeakyReLU(0.01),
        Activation.Tanh => nn.Tanh(),
        Activation.Elu => nn.ELU(),
        Activation.Gelu => nn.GELU(),
        Activation.Silu => nn.SiLU(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };
}
