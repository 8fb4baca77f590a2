namespace VaeLib.Onnx;

/// <summary>A model cannot be exported to ONNX: a module without the export contract, NaN weights, or a model kind the export does not cover.</summary>
public sealed class OnnxExportException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OnnxExportException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What cannot be exported and why.</param>
    public OnnxExportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What cannot be exported and why.</param>
    /// <param name="innerException">The cause.</param>
    public OnnxExportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
