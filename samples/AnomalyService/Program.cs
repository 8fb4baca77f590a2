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

app.MapGet("/info", () => new ServiceInfo(scorer.Description, scorer.ItemSize, scorer.InputUnits, scorer.Range?.Minimum, scorer.Range?.Maximum));
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

    if (scorer.Range?.FirstOutside(items, scorer.ItemSize, scorer.InputUnits) is { } outside)
    {
        return TypedResults.BadRequest(new ErrorResponse(outside));
    }

    ScoreResponse scores;
    try
    {
        scores = scorer.Score(items);
    }
    catch (ArgumentException exception)
    {
        return TypedResults.BadRequest(new ErrorResponse(exception.Message));
    }

    // Finite values can still overflow float32 in the graph (±3e38 squared); JSON has no infinity, and the
    // serializer would fail after the answer began (a 500 with an empty body), so such an item is refused by name.
    return NonFinite(scores) is { } message ? TypedResults.BadRequest(new ErrorResponse(message)) : TypedResults.Ok(scores);
});

await app.StartAsync();
// Port 0 binds a free port: print the address actually bound, so a caller (and the sample's test) can find it.
string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
string range = scorer.Range is { } bounds ? $"values in [{bounds.Minimum}, {bounds.Maximum}]" : "any finite values";
Console.WriteLine($"AnomalyService listening on {address} with {scorer.Description} ({scorer.InputUnits}, {range})");
await app.WaitForShutdownAsync();
scorer.Dispose();

static string? NonFinite(ScoreResponse scores)
{
    for (int item = 0; item < scores.Scores.Length; item++)
    {
        (string name, float value)[] parts = [("score", scores.Scores[item]), ("reconstruction log-likelihood", scores.ReconstructionLogLikelihood[item]), ("KL", scores.Kl[item])];
        foreach ((string name, float value) in parts)
        {
            if (!float.IsFinite(value))
            {
                return string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"Item {item}'s {name} is {value}, not a finite number: its values are too far from what the model was trained on for float32 arithmetic.");
            }
        }
    }

    return null;
}
