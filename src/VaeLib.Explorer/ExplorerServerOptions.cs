using System.Net;

namespace VaeLib.Explorer;

/// <summary>Where an <see cref="ExplorerServer"/> listens and what it accepts; validated when set.</summary>
public sealed record ExplorerServerOptions
{
    private readonly string host = "127.0.0.1";
    private readonly int port;
    private readonly long maxRequestBodyBytes = 1 << 20;

    /// <summary>
    /// The address to listen on: an IP address or <c>localhost</c>. Default <c>127.0.0.1</c>, this machine only;
    /// anything else lets other machines reach the model.
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

    /// <summary>True when <see cref="Host"/> is reachable from this machine only.</summary>
    public bool IsLoopback => Host == "localhost" || IPAddress.IsLoopback(IPAddress.Parse(Host));
}
