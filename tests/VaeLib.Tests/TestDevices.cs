using VaeLib.Training;

namespace VaeLib.Tests;

/// <summary>Devices a device-dependent test runs on: the CPU always, CUDA when this process can use it.</summary>
public static class TestDevices
{
    public static TheoryData<ComputeDevice> Available
    {
        get
        {
            var devices = new TheoryData<ComputeDevice> { ComputeDevice.Cpu };
            if (TorchSharp.torch.cuda.is_available())
            {
                devices.Add(ComputeDevice.Cuda);
            }

            return devices;
        }
    }
}
