namespace VaeLib.Onnx.Runtime;

/// <summary>The encoder's answer for a batch: q(z|x) = N(μ, diag σ²), row-major <c>[Count, LatentSize]</c>.</summary>
/// <param name="Mean">μ.</param>
/// <param name="LogVariance">log σ².</param>
/// <param name="Count">Number of items.</param>
/// <param name="LatentSize">Dimension of z.</param>
public sealed record LatentBatch(float[] Mean, float[] LogVariance, int Count, int LatentSize);
