using System.Net;

namespace VaeLib.Explorer;

/// <summary>Where an <see cref="ExplorerServer"/> listens and what it accepts; validated when set.</summary>
public sealed record ExplorerServerOptions
{
    private readonly string host = "127.0.0.1";
    private readonly int port;
    private readonly long maxRequestBodyBytes = 1 << 20;
    private readonly int maxQueuedRequests = 32;

    /// <summary>
    /// The address to listen on: an IP address or <c>localhost</c>. Default <c>127.0.0.1</c>, this machine only;
    /// anything else lets other machines reach the model. <c>localhost</c> listens on 127.0.0.1 and ::1 for a fixed
    /// port, and on 127.0.0.1 alone for port 0 (a free port is picked per address, so one port cannot serve both).
    /// </summary>
    public string Host
    {
        get => host;
        init => host = value is "localhost" || IPAddress.TryParse(value, out _)
            ? value
            : throw new ArgumentException($"The host must be an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1) or localhost; found '{value}'.", nameof(Host));
    }

    /// <summary>The TCP port, 0 to 65535; 0 (the default) picks a free one (see <see cref="ExplorerServer.Url"/>).</summary>
    public int Port
    {
        get => port;
        init => port = value is >= 0 and <= 65535 ? value : throw new ArgumentOutOfRangeException(nameof(Port), value, "The port must be between 0 and 65535.");
    }

    /// <summary>The largest request body accepted, in bytes; larger ones get 400. Default 1 MiB.</summary>
    public long MaxRequestBodyBytes
    {
        get => maxRequestBodyBytes;
        init => maxRequestBodyBytes = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxRequestBodyBytes), value, "The body limit must be positive.");
    }

    /// <summary>
    /// The most requests that may need the model at once, the one it computes and those waiting for it (decode,
    /// encode, reconstruction, samples, interpolation); one more is answered 429 with <c>Retry-After: 1</c> instead of
    /// joining the queue. Default 32: a browser sends at most 6 at a time, and the queue stays a fraction of a second
    /// long. A request whose client goes away leaves the queue at once.
    /// </summary>
    public int MaxQueuedRequests
    {
        get => maxQueuedRequests;
        init => maxQueuedRequests = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxQueuedRequests), value, "The queue bound must be positive.");
    }

    /// <summary>True when <see cref="Host"/> is reachable from this machine only.</summary>
    public bool IsLoopback => Host == "localhost" || IPAddress.IsLoopback(IPAddress.Parse(Host));
}
