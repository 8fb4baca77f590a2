// A minimal scoring service: POST /score with {"items": [[...], ...]} answers {"scores": [...], ...}.
// Run: dotnet run --project samples/AnomalyService -- --model EXPORT_DIR [--port 5080]   (port 0 picks a free one)
using System.Net;
using System.Text.Json;
using AnomalyService;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

var builder = WebApplication.CreateSlimBuilder(args);
string model = builder.Configuration["model"]
    ?? throw new ArgumentException("Pass the folder that 'vae export' wrote: --model DIR.");
int port = builder.Configuration.GetValue("port", 5080);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ServiceJson.Default));
#if TORCHSHARP_BASELINE
builder.Services.AddSingleton<IItemScorer>(_ => new TorchSharpItemScorer(model));
#else
builder.Services.AddSingleton<IItemScorer>(_ => new OnnxItemScorer(model)); // one ONNX Runtime session runs concurrent requests safely
#endif

var app = builder.Build();
IItemScorer scorer = app.Services.GetRequiredService<IItemScorer>();

app.MapGet("/info", () => new ServiceInfo(scorer.Description, scorer.ItemSize, scorer.InputUnits));
app.MapPost("/score", async Task<IResult> (HttpRequest request) =>
{
    ScoreRequest? body;
    try
    {
        body = await JsonSerializer.DeserializeAsync(request.Body, ServiceJson.Default.ScoreRequest, request.HttpContext.RequestAborted);
    }
    catch (JsonException exception)
    {
        return TypedResults.BadRequest(new ErrorResponse($"The body is not valid JSON of the form {{\"items\": [[...], ...]}}: {exception.Message}"));
    }

    if (body?.Items is not { Length: > 0 } items)
    {
        return TypedResults.BadRequest(new ErrorResponse($"The body has no items; send {{\"items\": [[...], ...]}} with {scorer.ItemSize} values per item ({scorer.InputUnits})."));
    }

    try
    {
        return TypedResults.Ok(scorer.Score(items));
    }
    catch (ArgumentException exception)
    {
        return TypedResults.BadRequest(new ErrorResponse(exception.Message));
    }
});

await app.StartAsync();
// Port 0 binds a free port: print the address actually bound, so a caller (and the sample's test) can find it.
string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
Console.WriteLine($"AnomalyService listening on {address} with {scorer.Description} ({scorer.InputUnits})");
await app.WaitForShutdownAsync();
scorer.Dispose();
