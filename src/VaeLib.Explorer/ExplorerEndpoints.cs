using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace VaeLib.Explorer;

/// <summary>The page's embedded files and the JSON/PNG API (docs/explore.md), mapped onto a web application.</summary>
internal static class ExplorerEndpoints
{
    private const string Png = "image/png";

    private static readonly (string Route, string Resource, string ContentType)[] Assets =
    [
        ("/", "wwwroot/index.html", "text/html; charset=utf-8"),
        ("/app.js", "wwwroot/app.js", "text/javascript; charset=utf-8"),
        ("/app.css", "wwwroot/app.css", "text/css; charset=utf-8"),
    ];

    /// <summary>Maps the page and the API; <paramref name="explorer"/> is asked for the explorer once requests are served.</summary>
    public static void Map(IEndpointRouteBuilder routes, Func<LatentExplorer> explorer, ExplorerServerOptions options)
    {
        foreach (var (route, resource, contentType) in Assets)
        {
            byte[] content = ReadResource(resource);
            routes.MapGet(route, () => Results.Bytes(content, contentType));
        }

        var info = new Lazy<object>(() => Info(explorer()));
        routes.MapGet("/api/info", () => Results.Json(info.Value));

        // Whatever runs the model goes through the bounded queue; the rest reads what start-up computed and never waits.
        var queue = new RequestQueue(options.MaxQueuedRequests);
        RouteGroupBuilder model = routes.MapGroup("/api");
        model.AddEndpointFilter(queue.FilterAsync);

        model.MapPost("/decode", async (HttpRequest request) =>
        {
            JsonElement body = await RequestReader.ReadObjectAsync(request, options.MaxRequestBodyBytes);
            return Items(await explorer().DecodeAsync([RequestReader.Vector(body, "z")], request.HttpContext.RequestAborted), columns: 1);
        });

        model.MapPost("/encode", async (HttpRequest request) =>
        {
            JsonElement body = await RequestReader.ReadObjectAsync(request, options.MaxRequestBodyBytes);
            ItemCode code = await explorer().EncodeAsync(RequestReader.Vector(body, "x"), request.HttpContext.RequestAborted);
            return Results.Json(new { mean = code.Mean, standardDeviation = code.StandardDeviation });
        });

        routes.MapGet("/api/items/{index}", (string index) =>
        {
            LatentExplorer served = explorer();
            long item = RequestReader.Index(index);
            ItemCode code = served.Code(item);
            int? label = served.Labels?[(int)item];
            return Results.Json(new { index = item, label, labelName = label is int l ? served.LabelNames[l] : null, mean = code.Mean, standardDeviation = code.StandardDeviation });
        });

        routes.MapGet("/api/items/{index}/input", (string index) => Items(explorer().Input(RequestReader.Index(index)), columns: 1));
        model.MapGet("/items/{index}/reconstruction", async (string index, HttpContext context) =>
            Items(await explorer().ReconstructionAsync(RequestReader.Index(index), context.RequestAborted), columns: 1));

        routes.MapGet("/api/map", (HttpRequest request) =>
        {
            LatentExplorer served = explorer();
            long? x = RequestReader.QueryInteger(request, "x");
            long? y = RequestReader.QueryInteger(request, "y");
            MapProjection map = served.Map(x is null ? null : RequestReader.InRange(x, 0, 0, served.LatentSize - 1, "x"), y is null ? null : RequestReader.InRange(y, 0, 0, served.LatentSize - 1, "y"));
            return Results.Json(new { xAxis = map.XAxis, yAxis = map.YAxis, x = map.X, y = map.Y, labels = served.Labels });
        });

        model.MapGet("/samples", async (HttpRequest request) =>
        {
            int count = RequestReader.InRange(RequestReader.QueryInteger(request, "count"), 64, 1, LatentExplorer.MaxItemsPerCall, "count");
            double temperature = RequestReader.QueryNumber(request, "temperature") ?? 1.0;
            ulong seed = (ulong)RequestReader.InRange(RequestReader.QueryInteger(request, "seed"), 1, 0, int.MaxValue, "seed");
            ItemValues samples = await explorer().SamplesAsync(count, temperature, seed, request.HttpContext.RequestAborted);
            return Items(samples, columns: (int)Math.Ceiling(Math.Sqrt(count)), scale: 2, padding: 2);
        });

        routes.MapGet("/api/prior", (HttpRequest request) =>
        {
            ulong seed = (ulong)RequestReader.InRange(RequestReader.QueryInteger(request, "seed"), 1, 0, int.MaxValue, "seed");
            return Results.Json(new { z = explorer().PriorPoint(seed) });
        });

        model.MapPost("/interpolate", async (HttpRequest request) =>
        {
            JsonElement body = await RequestReader.ReadObjectAsync(request, options.MaxRequestBodyBytes);
            string path = RequestReader.Text(body, "path", "linear");
            if (path is not ("linear" or "spherical"))
            {
                throw new BadRequestException($"'path' must be \"linear\" or \"spherical\"; found \"{path}\".");
            }

            int steps = RequestReader.Integer(body, "steps", 8);
            ItemValues frames = await explorer().InterpolateAsync(
                RequestReader.Vector(body, "from"), RequestReader.Vector(body, "to"), steps, path == "spherical", request.HttpContext.RequestAborted);
            return Items(frames, columns: frames.Count, scale: 2, padding: 2);
        });

        routes.MapGet("/api/anomalies", (HttpRequest request) =>
        {
            LatentExplorer served = explorer();
            int count = RequestReader.InRange(RequestReader.QueryInteger(request, "count"), served.Anomalies.Count, 1, served.Anomalies.Count, "count");
            var anomalies = served.Anomalies.Take(count).Select(item =>
            {
                int? label = served.Labels?[item.Index];
                return new { index = item.Index, score = item.Score, label, labelName = label is int l ? served.LabelNames[l] : null };
            });
            return Results.Json(new { items = anomalies });
        });
    }

    /// <summary>Images as one PNG; table rows as JSON <c>{ "values": [[…], …] }</c> in the file's units.</summary>
    private static IResult Items(ItemValues items, int columns, int scale = 1, int padding = 0) =>
        items.IsImage ? Results.Bytes(items.ToPng(columns, scale, padding), Png) : Results.Json(new { values = items.Items() });

    private static object Info(LatentExplorer explorer) => new
    {
        source = explorer.Source,
        itemShape = explorer.ItemShape,
        isTable = explorer.IsTable,
        itemCount = explorer.ItemCount,
        latentSize = explorer.LatentSize,
        klPerDimension = explorer.KlPerDimension,
        dimensionsByUse = explorer.DimensionsByUse,
        labelNames = explorer.LabelNames,
        columnNames = explorer.ColumnNames,
        maxItemsPerCall = LatentExplorer.MaxItemsPerCall,
        anomalyCount = explorer.Anomalies.Count,
    };

    private static byte[] ReadResource(string name)
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The explorer's page file {name} is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
