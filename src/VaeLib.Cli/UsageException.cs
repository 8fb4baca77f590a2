namespace VaeLib.Cli;

/// <summary>A command-line value that parsed but cannot be used; exits with <see cref="ExitCodes.UsageError"/>.</summary>
internal sealed class UsageException(string message) : Exception(message);
