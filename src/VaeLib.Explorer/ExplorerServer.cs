using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VaeLib.Explorer;

/// <summary>
/// The explorer's web server: the page and its HTTP API on the shared framework's Kestrel. Start it with
/// <see cref="StartAsync"/>, open <see cref="Url"/>, and dispose it to stop. To find out whether the address and port
/// can be bound before the explorer's start-up work, <see cref="ListenAsync"/> first and <see cref="Serve"/> later.
/// </summary>
public sealed class ExplorerServer : IAsyncDisposable, IDisposable
{
    private readonly WebApplication app;
    private readonly StrongBox<LatentExplorer?> served;
    private int disposed;

    private ExplorerServer(WebApplication app, Uri url, StrongBox<LatentExplorer?> served)
    {
        this.app = app;
        this.served = served;
        Url = url;
    }

    /// <summary>The address the page is served at, with the port actually bound (e.g. <c>http://127.0.0.1:41235/</c>).</summary>
    public Uri Url { get; }

    /// <summary>Starts serving an explorer; returns once the server listens.</summary>
    /// <param name="explorer">The model and items to serve.</param>
    /// <param name="options">Address, port and limits; null for the defaults (127.0.0.1, a free port).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="IOException">The address or port cannot be bound (e.g. the port is in use).</exception>
    public static async Task<ExplorerServer> StartAsync(LatentExplorer explorer, ExplorerServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(explorer);
        ExplorerServer server = await ListenAsync(options, cancellationToken).ConfigureAwait(false);
        server.Serve(explorer);
        return server;
    }

    /// <summary>
    /// Binds the address and port and starts listening before there is an explorer to serve: every request is
    /// answered 503 with <c>Retry-After</c> until <see cref="Serve"/> is called. Binding first makes a port in use or
    /// an address this machine does not have fail in a moment, not after encoding a whole test set.
    /// </summary>
    /// <param name="options">Address, port and limits; null for the defaults (127.0.0.1, a free port).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The listening server.</returns>
    /// <exception cref="IOException">The address or port cannot be bound (e.g. the port is in use).</exception>
    public static async Task<ExplorerServer> ListenAsync(ExplorerServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ExplorerServerOptions();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            if (options.Host == "localhost" && options.Port != 0)
            {
                kestrel.ListenLocalhost(options.Port);
            }
            else
            {
                // Kestrel cannot pick one free port for both of localhost's addresses; 127.0.0.1 is one of them.
                kestrel.Listen(options.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Host), options.Port);
            }
        });

        var served = new StrongBox<LatentExplorer?>();
        WebApplication app = builder.Build();
        app.Use((context, next) => RefuseBadRequests(context, next, options, served));
        ExplorerEndpoints.Map(app, () => served.Value!, options);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var url = new UriBuilder(address);
        if (url.Host is "0.0.0.0" or "[::]")
        {
            // A wildcard address is where the server listens, not one a browser can open; the loopback one works here.
            url.Host = "127.0.0.1";
        }

        return new ExplorerServer(app, url.Uri, served);
    }

    /// <summary>Starts answering requests from an explorer, on a server from <see cref="ListenAsync"/>.</summary>
    /// <param name="explorer">The model and items to serve.</param>
    /// <exception cref="InvalidOperationException">The server serves an explorer already.</exception>
    public void Serve(LatentExplorer explorer)
    {
        ArgumentNullException.ThrowIfNull(explorer);
        if (Interlocked.CompareExchange(ref served.Value, explorer, null) is not null)
        {
            throw new InvalidOperationException("This server serves an explorer already; start another server for another explorer.");
        }
    }

    /// <summary>Waits until the server stops (Ctrl-C, or the token).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => app.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops the server, for callers that cannot await (a <c>using</c> in synchronous code).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// True for a name a DNS rebinding cannot hide behind: <c>localhost</c> or a loopback address written out
    /// (any of 127.0.0.0/8 or ::1), so that the address the user chose with <c>--host</c> is served too.
    /// </summary>
    internal static bool IsLoopbackName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.TrimStart('[').TrimEnd(']'), out IPAddress? address) && IPAddress.IsLoopback(address));

    /// <summary>
    /// Refuses requests for another host name on a loopback server, answers 503 until there is an explorer, and
    /// answers a refused request with 400 and a problem+json body whose detail says what is wrong; argument exceptions
    /// come from <see cref="LatentExplorer"/>'s checks of what the request asked for.
    /// </summary>
    private static async Task RefuseBadRequests(HttpContext context, RequestDelegate next, ExplorerServerOptions options, StrongBox<LatentExplorer?> served)
    {
        // On loopback, a page elsewhere could still reach the server through a DNS name rebound to 127.0.0.1; the Host
        // header then names that site, so only loopback names and addresses are served.
        if (options.IsLoopback && !IsLoopbackName(context.Request.Host.Host))
        {
            await Results.Problem(
                detail: $"The host name '{context.Request.Host.Host}' is not served; open the explorer at {options.Host} (or another loopback address, or localhost).",
                statusCode: StatusCodes.Status400BadRequest,
                title: "Bad request").ExecuteAsync(context);
            return;
        }

        if (Volatile.Read(ref served.Value) is null)
        {
            context.Response.Headers.RetryAfter = "5";
            await Results.Problem(
                detail: "The explorer is still encoding and scoring its items; retry in a few seconds.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Starting").ExecuteAsync(context);
            return;
        }

        // The page runs no code from elsewhere and is shown in no other site's frame.
        context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' blob: data:; frame-ancestors 'none'";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        try
        {
            await next(context);
        }
        catch (Exception exception) when (exception is BadRequestException or ArgumentException && !context.Response.HasStarted)
        {
            // An argument exception's message ends with " (Parameter 'name')" and, out of range, the value: the text says both already.
            string detail = exception.Message.Split(" (Parameter '")[0];
            await Results.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request").ExecuteAsync(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away while its request waited for the model: there is nobody to answer.
        }
    }
}
