using System.Runtime.InteropServices;

namespace VaeLib.Runtime;

/// <summary>Process-wide settings of the native memory allocator (glibc's malloc) that libtorch uses on Linux.</summary>
/// <remarks>
/// A training step frees each minibatch's tensor buffers (hundreds of kilobytes each) and allocates them again for
/// the next one. Whether glibc serves them from its heap, where freed blocks are reused at once, or from a fresh
/// memory map each time, whose pages the kernel must fault in and zero again, depends on the process's history:
/// glibc raises its map threshold only after the first large map is freed. Measured on the MLP VAE of Fashion-MNIST,
/// the step took about twice as long with maps. Applications call one of these methods once at startup; a library
/// cannot know whether its host wants it, so VaeLib never calls them by itself.
/// </remarks>
public static partial class NativeAllocator
{
    private const int MallocTrimThreshold = -1;
    private const int MallocMmapThreshold = -3;
    private const int HeapBlockLimit = 32 << 20;
    private const int HeapTrimThreshold = 64 << 20;

    /// <summary>
    /// Serves blocks under 32 MiB (every minibatch tensor) from the heap and keeps up to 64 MiB of free heap top
    /// before returning it: glibc's own settings after its threshold has risen to the maximum, made fixed from the
    /// start. The training step then reuses freed buffers without page faults. It is what the <c>vae</c> app and the
    /// samples call. Heap reuse needs the step to free its buffers promptly and in order, which VaeLib's step does:
    /// it leaves nothing to the .NET finalizer (see the performance notes in <c>docs/performance.md</c>).
    /// </summary>
    /// <returns>True if the settings were applied; false where they do not apply (not Linux with glibc).</returns>
    public static bool ReuseHeapForTensorBuffers() =>
        SetOption(MallocMmapThreshold, HeapBlockLimit) && SetOption(MallocTrimThreshold, HeapTrimThreshold);

    /// <summary>
    /// Serves every allocation of 128 KiB or more with its own memory map, returned to the system when freed. This
    /// keeps resident memory low even when code leaves native blocks to the .NET finalizer (which fragments the heap),
    /// at the cost of a page fault per page of every tensor buffer: measured here, the MLP training step took about
    /// twice as long. Prefer <see cref="ReuseHeapForTensorBuffers"/> unless the process runs such code.
    /// </summary>
    /// <returns>True if the setting was applied; false where it does not apply (not Linux with glibc).</returns>
    public static bool UseMemoryMapsForLargeBlocks() => SetOption(MallocMmapThreshold, 128 * 1024);

    private static bool SetOption(int option, int value)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return MallOpt(option, value) == 1;
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // musl and other C libraries have no mallopt.
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);
}
