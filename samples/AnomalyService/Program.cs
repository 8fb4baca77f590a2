// A minimal scoring service: POST /score with {"items": [[...], ...]} answers {"scores": [...], ...}.
// Run: dotnet run --project samples/AnomalyService -- --model EXPORT_DIR [--port 5080]   (port 0 picks a free one)
using System.Net;
using System.Text.Json;
using AnomalyService;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using VaeLib.Onnx.Runtime;

var builder = WebApplication.CreateBuilder(args);
string model = builder.Configuration["model"]
    ?? throw new ArgumentException("Pass the folder that 'vae export' wrote: --model DIR.");
int port = builder.Configuration.GetValue("port", 5080);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
builder.Services.AddSingleton(_ => new OnnxScorer(model)); // one session, shared: ONNX Runtime runs concurrent requests safely
var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);

var app = builder.Build();
OnnxScorer scorer = app.Services.GetRequiredService<OnnxScorer>();

app.MapGet("/info", () => Results.Json(scorer.Info, json));
app.MapPost("/score", async (HttpRequest request) =>
{
    ScoreRequest? body;
    try
    {
        body = await JsonSerializer.DeserializeAsync<ScoreRequest>(request.Body, json, request.HttpContext.RequestAborted);
    }
    catch (JsonException exception)
    {
        return Results.BadRequest(new { error = $"The body is not valid JSON of the form {{\"items\": [[...], ...]}}: {exception.Message}" });
    }

    if (body?.Items is not { Length: > 0 } items)
    {
        return Results.BadRequest(new { error = $"The body has no items; send {{\"items\": [[...], ...]}} with {scorer.Info.ItemSize} values per item ({scorer.Info.InputUnits})." });
    }

    try
    {
        AnomalyScores scores = scorer.Score(items);
        return Results.Json(new ScoreResponse(scores.Score, scores.ReconstructionLogLikelihood, scores.Kl), json);
    }
    catch (ArgumentException exception)
    {
        return Results.BadRequest(new { error = exception.Message });
    }
});

await app.StartAsync();
// Port 0 binds a free port: print the address actually bound, so a caller (and the sample's test) can find it.
string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
Console.WriteLine($"AnomalyService listening on {address} with {scorer.Path} ({scorer.Info.InputUnits})");
await app.WaitForShutdownAsync();
