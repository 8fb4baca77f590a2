namespace VaeLib.Onnx;

/// <summary>The files an export wrote.</summary>
/// <param name="EncoderPath">x → μ, log σ².</param>
/// <param name="DecoderPath">z → the likelihood's parameters and its mean.</param>
/// <param name="ScorerPath">x → score, reconstruction log-likelihood and KL.</param>
/// <param name="Opset">The ONNX opset the files declare.</param>
/// <param name="Preprocessing">The preprocessing written into the encoder and scorer graphs.</param>
public sealed record OnnxExport(string EncoderPath, string DecoderPath, string ScorerPath, int Opset, InputPreprocessing Preprocessing);
