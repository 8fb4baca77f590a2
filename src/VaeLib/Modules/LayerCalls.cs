using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VaeLib.Modules;

/// <summary>
/// Runs the layers of a <see cref="Sequential"/> built by the convolutional modules. TorchSharp's
/// <c>Conv2d</c> and <c>ConvTranspose2d</c> modules check their input's shape through <c>Tensor.shape</c>, which leaves
/// two objects per call for the .NET finalizer (see <see cref="Shapes.Of"/>); the functional forms with the same
/// weights, stride 2 and padding 1 compute the same thing and leave none.
/// </summary>
internal static class LayerCalls
{
    /// <summary>The stride of every convolution in the built-in modules.</summary>
    public static readonly long[] Stride = [2, 2];

    /// <summary>The padding of every convolution in the built-in modules.</summary>
    public static readonly long[] Padding = [1, 1];

    /// <summary>The kernel side of every convolution in the built-in modules.</summary>
    public const int KernelSize = 4;

    /// <summary>Runs the layers in order, calling convolutions through their functional forms.</summary>
    public static Tensor Run(Sequential layers, Tensor input)
    {
        Tensor x = input;
        foreach (nn.Module<Tensor, Tensor> layer in layers.children().Cast<nn.Module<Tensor, Tensor>>())
        {
            x = layer switch
            {
                Conv2d convolution => nn.functional.conv2d(x, convolution.weight, convolution.bias, Stride, Padding),
                ConvTranspose2d transposed => nn.functional.conv_transpose2d(x, transposed.weight, transposed.bias, Stride, Padding),
                _ => layer.call(x),
            };
        }

        return x;
    }
}
