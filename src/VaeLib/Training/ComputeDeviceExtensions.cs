using static TorchSharp.torch;

namespace VaeLib.Training;

/// <summary>Resolves a <see cref="ComputeDevice"/> to a TorchSharp device.</summary>
public static class ComputeDeviceExtensions
{
    /// <summary>The TorchSharp device for this choice.</summary>
    /// <param name="device">The choice.</param>
    /// <returns><c>cpu</c> or <c>cuda</c>.</returns>
    /// <exception cref="InvalidOperationException">CUDA was asked for and is not available.</exception>
    public static Device ToTorchDevice(this ComputeDevice device) => device switch
    {
        ComputeDevice.Cpu => CPU,
        ComputeDevice.Auto => cuda.is_available() ? CUDA : CPU,
        ComputeDevice.Cuda => cuda.is_available()
            ? CUDA
            : throw new InvalidOperationException(
                "CUDA was requested but is not available: this process has no CUDA GPU or was built with the CPU backend. " +
                "Build with -p:TorchBackend=cuda on a machine with an NVIDIA driver, or choose the cpu or auto device."),
        _ => throw new ArgumentOutOfRangeException(nameof(device), device, "Unknown device."),
    };
}
