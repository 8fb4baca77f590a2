namespace VaeLib.Training;

/// <summary>Where training and inference run.</summary>
public enum ComputeDevice
{
    /// <summary>CUDA when TorchSharp's CUDA backend and a GPU are available, else the CPU.</summary>
    Auto,

    /// <summary>The CPU.</summary>
    Cpu,

    /// <summary>The first CUDA GPU; an error where there is none.</summary>
    Cuda,
}
