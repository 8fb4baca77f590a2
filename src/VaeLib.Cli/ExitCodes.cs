namespace VaeLib.Cli;

/// <summary>The process exit codes of <c>vae</c>.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>The data or a saved model could not be read, or training failed.</summary>
    public const int DataError = 1;

    /// <summary>The command line is wrong (unknown option, bad value, impossible combination).</summary>
    public const int UsageError = 2;

    /// <summary>Stopped by Ctrl-C.</summary>
    public const int Cancelled = 130;
}
