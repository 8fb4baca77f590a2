namespace VaeLib.Tests.Training;

/// <summary>
/// Calls a handler on the reporting thread at once (<see cref="Progress{T}"/> would post to a synchronization
/// context), so a test sees every report before <c>Fit</c> returns.
/// </summary>
internal sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
