using System.CommandLine;
using VaeLib.Cli;
using VaeLib.Cli.Commands;
using VaeLib.Data;
using VaeLib.Persistence;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C stops training between minibatches; a second one ends the process.
    if (!cancellation.IsCancellationRequested)
    {
        e.Cancel = true;
        cancellation.Cancel();
        Console.Error.WriteLine("Stopping after this minibatch (Ctrl-C again to quit at once)...");
    }
};

var root = new RootCommand("vae: train variational autoencoders and look at what they learned.")
{
    TrainCommand.Create(cancellation.Token),
    ModelCommands.Sample(),
    ModelCommands.Reconstruct(),
    ModelCommands.Interpolate(),
    ModelCommands.Traverse(),
};

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
catch (UsageException exception)
{
    Console.Error.WriteLine($"error: {exception.Message}");
    return ExitCodes.UsageError;
}
catch (Exception exception) when (exception is DataFormatException or ModelFormatException or FileNotFoundException or DirectoryNotFoundException or InvalidOperationException)
{
    Console.Error.WriteLine($"error: {exception.Message}");
    return ExitCodes.DataError;
}
