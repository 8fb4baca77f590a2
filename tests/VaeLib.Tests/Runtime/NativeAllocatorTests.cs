using VaeLib.Runtime;

namespace VaeLib.Tests.Runtime;

public class NativeAllocatorTests
{
    [Fact]
    public void The_setting_applies_on_linux_with_glibc_and_is_refused_elsewhere()
    {
        bool glibc = OperatingSystem.IsLinux() && File.Exists("/lib/x86_64-linux-gnu/libc.so.6");

        bool applied = NativeAllocator.UseMemoryMapsForLargeBlocks();

        if (glibc)
        {
            applied.Should().BeTrue();
        }
        else if (!OperatingSystem.IsLinux())
        {
            applied.Should().BeFalse();
        }
    }
}
