using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace VaeLib.Explorer;

/// <summary>
/// Copies a tensor's values into a managed array through its bytes. <c>data&lt;T&gt;()</c> reads the strides into a
/// finalizable pinned array on every call, one object for the finalizer per slider move; the bytes of a contiguous
/// CPU tensor need no strides.
/// </summary>
internal static class TensorValues
{
    /// <summary>The values of a float32 tensor, row-major.</summary>
    public static float[] Floats(Tensor values)
    {
        using var scope = NewDisposeScope();
        return MemoryMarshal.Cast<byte, float>(values.to_type(ScalarType.Float32).cpu().contiguous().bytes).ToArray();
    }
}
