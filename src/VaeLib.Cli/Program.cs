using System.CommandLine;
using VaeLib.Cli;
using VaeLib.Data;
using VaeLib.Persistence;

// Keeps libtorch's tensor buffers from fragmenting glibc's heap (see NativeAllocator); resident memory stays small.
VaeLib.Runtime.NativeAllocator.ReuseHeapForTensorBuffers(); // minibatch buffers reused without page faults (Linux)
using var interrupts = new Interrupts();

RootCommand root = VaeCommandLine.Create(interrupts);
ParseResult parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"error: {error.Message}");
    }

    Console.Error.WriteLine($"Usage: see 'vae {string.Join(' ', parsed.CommandResult.Command.Name == root.Name ? string.Empty : parsed.CommandResult.Command.Name)} --help'.");
    return ExitCodes.UsageError;
}

try
{
    return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception exception) when (exception is UsageException or ArgumentException)
{
    Console.Error.WriteLine($"error: {exception.Message}");
    return ExitCodes.UsageError;
}
catch (Exception exception) when (exception is DataFormatException or ModelFormatException or IOException or UnauthorizedAccessException
    or InvalidOperationException or NotSupportedException or System.Runtime.InteropServices.ExternalException)
{
    Console.Error.WriteLine($"error: {exception.Message}");
    return ExitCodes.DataError;
}
