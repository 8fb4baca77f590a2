using VaeLib.Runtime;

namespace VaeLib.Tests.Runtime;

public class NativeAllocatorTests
{
    [Fact]
    public void The_settings_apply_on_linux_with_glibc_and_are_refused_elsewhere()
    {
        bool glibc = OperatingSystem.IsLinux() && File.Exists("/lib/x86_64-linux-gnu/libc.so.6");

        // The heap setting last: it is what the rest of this test process should run with.
        bool[] applied = [NativeAllocator.UseMemoryMapsForLargeBlocks(), NativeAllocator.ReuseHeapForTensorBuffers()];

        if (glibc)
        {
            applied.Should().OnlyContain(result => result);
        }
        else if (!OperatingSystem.IsLinux())
        {
            applied.Should().OnlyContain(result => !result);
        }
    }
}
