namespace VaeLib.Onnx;

/// <summary>
/// The export contract for a custom <see cref="Modules.Encoder"/> or <see cref="Modules.Decoder"/>: a module that
/// implements it writes its own forward computation into the ONNX graph, so a model that uses it can be exported.
/// A custom module without it is refused with an <see cref="OnnxExportException"/> that names it.
/// </summary>
/// <remarks>
/// The ONNX graph must compute exactly what <c>forward</c> computes (the export tests compare them to 1e-4). An encoder
/// receives <c>[N, *InputShape]</c> and must return <c>[N, OutputSize]</c>; a decoder receives <c>[N, LatentSize]</c>
/// and must return the likelihood's parameters <c>[N, *OutputShape]</c>.
/// </remarks>
public interface IOnnxExportable
{
    /// <summary>Appends this module's computation to the graph.</summary>
    /// <param name="graph">The graph being written; add weights with <see cref="OnnxGraphBuilder.Weight"/>.</param>
    /// <param name="input">The name of the value the module reads.</param>
    /// <returns>The name of the value the module returns.</returns>
    string WriteOnnx(OnnxGraphBuilder graph, string input);
}
