namespace VaeLib.Cli;

/// <summary>
/// Ctrl-C handling: while training, the first Ctrl-C stops between minibatches (the model is still saved); at other
/// times, and on a second Ctrl-C, the process ends as usual.
/// </summary>
internal sealed class Interrupts : IDisposable
{
    private readonly CancellationTokenSource cancellation = new();
    private volatile bool capturing;

    public Interrupts() => Console.CancelKeyPress += OnCancelKeyPress;

    public CancellationToken Token => cancellation.Token;

    /// <summary>Captures Ctrl-C until the returned object is disposed.</summary>
    public IDisposable Capture()
    {
        capturing = true;
        return new Release(this);
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        cancellation.Dispose();
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (capturing && !cancellation.IsCancellationRequested)
        {
            e.Cancel = true;
            cancellation.Cancel();
        }
    }

    private sealed class Release(Interrupts owner) : IDisposable
    {
        public void Dispose() => owner.capturing = false;
    }
}
