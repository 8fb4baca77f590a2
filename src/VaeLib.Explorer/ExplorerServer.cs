using System.Net;
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
/// <see cref="StartAsync"/>, open <see cref="Url"/>, and dispose it to stop.
/// </summary>
public sealed class ExplorerServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private ExplorerServer(WebApplication app, Uri url)
    {
        this.app = app;
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
        options ??= new ExplorerServerOptions();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            if (options.Host == "localhost")
            {
                kestrel.ListenLocalhost(options.Port);
            }
            else
            {
                kestrel.Listen(IPAddress.Parse(options.Host), options.Port);
            }
        });

        WebApplication app = builder.Build();
        app.Use((context, next) => RefuseBadRequests(context, next, options));
        ExplorerEndpoints.Map(app, explorer, options);
        await app.StartAsync(cancellationToken);

        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var url = new UriBuilder(address);
        if (url.Host is "0.0.0.0" or "[::]")
        {
            // A wildcard address is where the server listens, not one a browser can open; the loopback one works here.
            url.Host = "127.0.0.1";
        }

        return new ExplorerServer(app, url.Uri);
    }

    /// <summary>Waits until the server stops (Ctrl-C, or the token).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => app.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>
    /// Refuses requests for another host name on a loopback server, and answers a refused request with 400 and a
    /// problem+json body whose detail says what is wrong; argument exceptions come from <see cref="LatentExplorer"/>'s
    /// checks of what the request asked for.
    /// </summary>
    private static async Task RefuseBadRequests(HttpContext context, RequestDelegate next, ExplorerServerOptions options)
    {
        // On loopback, a page elsewhere could still reach the server through a DNS name rebound to 127.0.0.1; the Host
        // header then names that site, so only the loopback names are served.
        if (options.IsLoopback && context.Request.Host.Host is not ("127.0.0.1" or "localhost" or "[::1]" or "::1"))
        {
            await Results.Problem(
                detail: $"The host name '{context.Request.Host.Host}' is not served; open the explorer at 127.0.0.1 or localhost.",
                statusCode: StatusCodes.Status400BadRequest,
                title: "Bad request").ExecuteAsync(context);
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
    }
}
