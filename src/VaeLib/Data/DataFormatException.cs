namespace VaeLib.Data;

/// <summary>
/// A data file or folder could not be read: its message names the file and what is wrong with it (a bad magic
/// number, truncated data, counts that disagree, mixed image sizes, a non-numeric cell).
/// </summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DataFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong, and where.</param>
    public DataFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What is wrong, and where.</param>
    /// <param name="innerException">The underlying error.</param>
    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a file.</summary>
    /// <param name="path">The file or folder.</param>
    /// <param name="problem">What is wrong with it.</param>
    /// <returns>The exception, with a message of the form "path: problem".</returns>
    public static DataFormatException For(string path, string problem) => new($"{path}: {problem}");
}
