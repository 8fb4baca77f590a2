namespace VaeLib.Onnx.Runtime;

/// <summary>The decoder's answer for a batch, row-major <c>[Count, *InputShape]</c>, in the model's units.</summary>
/// <param name="Parameters">The likelihood's parameters (Bernoulli logits or Gaussian means).</param>
/// <param name="Mean">E[x|z]: sigmoid of the logits, or the Gaussian mean.</param>
/// <param name="Count">Number of items.</param>
public sealed record DecodedBatch(float[] Parameters, float[] Mean, int Count);
