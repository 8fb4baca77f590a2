using static TorchSharp.torch;

namespace VaeLib.Runtime;

/// <summary>Standard normal noise on a device, drawn from a seeded generator where one is given.</summary>
internal static class GaussianNoise
{
    /// <summary>
    /// ε ~ N(0, I) of a shape. TorchSharp 0.107 creates every generator on the CPU, and libtorch refuses a CPU
    /// generator for a CUDA tensor, so seeded noise for another device is drawn on the CPU and copied: a seeded run
    /// draws the same ε on every device.
    /// </summary>
    public static Tensor Draw(long[] shape, ScalarType dtype, Device device, Generator? generator) =>
        generator is null || device.type == TorchSharp.DeviceType.CPU
            ? randn(shape, dtype: dtype, device: device, generator: generator)
            : randn(shape, dtype: dtype, device: CPU, generator: generator).to(device);
}
