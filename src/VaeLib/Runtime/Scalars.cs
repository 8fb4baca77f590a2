using TorchSharp;

namespace VaeLib.Runtime;

/// <summary>
/// Constant scalars for the training hot path, created once. An implicit conversion such as <c>tensor * 0.5</c>
/// makes a native <see cref="Scalar"/> that no dispose scope tracks: it is freed only when the .NET finalizer gets to
/// it. Thousands of such small native blocks, freed late and out of order, fragment the C heap between the
/// minibatches' tensor buffers, and resident memory grows by megabytes per minibatch until a garbage collection runs
/// (measured on Fashion-MNIST: 1.6 GB after one epoch instead of 0.5 GB). Hot-path code uses these fields, or a
/// <c>using</c> Scalar for a value known only at run time, never an implicit conversion.
/// </summary>
internal static class Scalars
{
    /// <summary>0.5.</summary>
    public static readonly Scalar Half = 0.5.ToScalar();

    /// <summary>−0.5.</summary>
    public static readonly Scalar MinusHalf = (-0.5).ToScalar();

    /// <summary>0.</summary>
    public static readonly Scalar Zero = 0.0.ToScalar();

    /// <summary>2 (for squares: TorchSharp's <c>square()</c> is <c>pow(2)</c> with an implicit Scalar).</summary>
    public static readonly Scalar Two = 2.0.ToScalar();

    /// <summary>1 (the <c>alpha</c> of a tensor sum: TorchSharp's <c>a + b</c> makes an implicit Scalar for it).</summary>
    public static readonly Scalar One = 1.0.ToScalar();

    /// <summary>log 2π.</summary>
    public static readonly Scalar LogTwoPi = Math.Log(2 * Math.PI).ToScalar();

    /// <summary>255, the largest byte intensity (a float32 scalar, so byte images divide exactly as before).</summary>
    public static readonly Scalar ByteMax = 255f.ToScalar();

    /// <summary>0.5 as float32, the static binarization threshold.</summary>
    public static readonly Scalar HalfSingle = 0.5f.ToScalar();
}
