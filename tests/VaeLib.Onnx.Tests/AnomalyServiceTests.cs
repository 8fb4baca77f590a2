using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using VaeLib.Onnx.Tests.Runtime;
using VaeLib.Persistence;
using static TorchSharp.torch;

namespace VaeLib.Onnx.Tests;

/// <summary>Runs the built samples/AnomalyService as its own process on a free loopback port, and asks it for scores.</summary>
[Collection(TorchRandomStateCollection.Name)]
public sealed class AnomalyServiceTests
{
    [Fact]
    public async Task The_service_scores_items_as_vaelib_does_and_answers_bad_bodies_with_400_and_a_message()
    {
        using var scope = NewDisposeScope();
        using VariationalAutoencoder model = ExportedModels.Create(ModelKind.Conv, LikelihoodKind.Bernoulli);
        string folder = ExportedModels.TemporaryFolder();
        OnnxExporter.Export(model, folder);
        Tensor x = rand(3, 1, 16, 16);
        var (expected, _, _) = TorchReference.Score(model, x);
        float[] values = TorchReference.Values(x);
        float[][] items = Enumerable.Range(0, 3).Select(i => values[(i * 256)..((i + 1) * 256)]).ToArray();

        await using var service = await ServiceProcess.StartAsync(folder);
        using var client = new HttpClient { BaseAddress = service.Address, Timeout = TimeSpan.FromSeconds(30) };

        using HttpResponseMessage scored = await client.PostAsJsonAsync("/score", new { items });
        scored.StatusCode.Should().Be(HttpStatusCode.OK);
        using JsonDocument answer = JsonDocument.Parse(await scored.Content.ReadAsStringAsync());
        float[] scores = answer.RootElement.GetProperty("scores").EnumerateArray().Select(score => score.GetSingle()).ToArray();
        TorchReference.MaxAbsDifference(expected, scores).Should().BeLessThanOrEqualTo(1e-4);

        (await ErrorOf(client, "{\"items\": [[1, 2, 3]]}")).Should().Match("*Item 0 has 3 values; expected 256*");
        (await ErrorOf(client, "{\"items\": []}")).Should().Match("*no items*256 values per item*");
        (await ErrorOf(client, "{\"items\": [[1, 2,")).Should().Match("*not valid JSON*");
        (await ErrorOf(client, "{\"items\": [\"a\"]}")).Should().Match("*not valid JSON*");

        // A Bernoulli model on its own units reads intensities in [0, 1]: /info says so, and values outside are refused by name.
        using JsonDocument info = JsonDocument.Parse(await client.GetStringAsync("/info"));
        info.RootElement.GetProperty("inputMinimum").GetSingle().Should().Be(0);
        info.RootElement.GetProperty("inputMaximum").GetSingle().Should().Be(1);
        foreach ((float value, string shown) in new[] { (-5f, "-5"), (1000f, "1000"), (3e38f, "3E+38"), (-3e38f, "-3E+38") })
        {
            (await ErrorOf(client, Body(items[0], items[1].Select((v, e) => e == 17 ? value : v).ToArray())))
                .Should().Be($"Item 1 holds {shown} at element 17; expected values in [0, 1] (the model's own units).");
        }
    }

    [Fact]
    public async Task Items_whose_scores_overflow_float32_get_400_naming_the_item_and_pixel_values_are_checked_against_0_to_255()
    {
        using var scope = NewDisposeScope();
        using VariationalAutoencoder model = ExportedModels.Create(ModelKind.Mlp, LikelihoodKind.Gaussian);
        float[] ordinary = TorchReference.Values(rand(1, 1, 16, 16));

        // A Gaussian model on its own units defines no range: any finite value is taken, and ±3e38 squares to infinity.
        string unbounded = ExportedModels.TemporaryFolder();
        OnnxExporter.Export(model, unbounded);
        await using (var service = await ServiceProcess.StartAsync(unbounded))
        {
            using var client = new HttpClient { BaseAddress = service.Address, Timeout = TimeSpan.FromSeconds(30) };
            using JsonDocument info = JsonDocument.Parse(await client.GetStringAsync("/info"));
            info.RootElement.GetProperty("inputMinimum").ValueKind.Should().Be(JsonValueKind.Null);
            foreach (float huge in new[] { 3e38f, -3e38f })
            {
                (await ErrorOf(client, Body(ordinary, ordinary.Select(v => huge).ToArray())))
                    .Should().Match("Item 1's score is *, not a finite number*too far from what the model was trained on*");
            }

            using var outOfPixelRange = new StringContent(Body(ordinary.Select(v => v * 1000 - 5).ToArray()), Encoding.UTF8, "application/json");
            (await client.PostAsync("/score", outOfPixelRange)).StatusCode.Should().Be(HttpStatusCode.OK, "no range is defined for these units");
        }

        // The same model exported for pixel values: the graph divides by 255, so values are bytes, 0 to 255.
        string pixels = ExportedModels.TemporaryFolder();
        OnnxExporter.Export(model, pixels, new OnnxExportOptions { Preprocessing = InputPreprocessing.PixelIntensities });
        await using (var service = await ServiceProcess.StartAsync(pixels))
        {
            using var client = new HttpClient { BaseAddress = service.Address, Timeout = TimeSpan.FromSeconds(30) };
            float[] bytes = ordinary.Select(v => MathF.Round(v * 255)).ToArray();
            bytes[0] = 255;
            using var inRange = new StringContent(Body(bytes), Encoding.UTF8, "application/json");
            (await client.PostAsync("/score", inRange)).StatusCode.Should().Be(HttpStatusCode.OK);
            bytes[200] = 256;
            (await ErrorOf(client, Body(bytes))).Should().Be("Item 0 holds 256 at element 200; expected values in [0, 255] (pixel values 0-255).");
        }
    }

    private static string Body(params float[][] items) => JsonSerializer.Serialize(new { items });

    private static async Task<string> ErrorOf(HttpClient client, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await client.PostAsync("/score", content);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, body);
        using JsonDocument answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return answer.RootElement.GetProperty("error").GetString()!;
    }

    private sealed class ServiceProcess : IAsyncDisposable
    {
        private readonly Process process;

        private ServiceProcess(Process process, Uri address)
        {
            this.process = process;
            Address = address;
        }

        public Uri Address { get; }

        public static async Task<ServiceProcess> StartAsync(string model)
        {
            string dll = Path.Combine(DependencyClosureTests.BuiltOutput("samples", "AnomalyService"), "AnomalyService.dll");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in new[] { dll, "--model", model, "--port", "0" })
            {
                start.ArgumentList.Add(argument);
            }

            var process = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            var seen = new StringBuilder();
            try
            {
                while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                {
                    seen.AppendLine(line);
                    const string marker = "listening on ";
                    int at = line.IndexOf(marker, StringComparison.Ordinal);
                    if (at >= 0)
                    {
                        _ = process.StandardOutput.ReadToEndAsync(); // keep the pipe drained
                        return new ServiceProcess(process, new Uri(line[(at + marker.Length)..].Split(' ')[0]));
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }

            process.Kill(entireProcessTree: true);
            string error = await process.StandardError.ReadToEndAsync();
            process.Dispose();
            throw new InvalidOperationException($"AnomalyService did not report its address. Output: {seen} Errors: {error}");
        }

        public async ValueTask DisposeAsync()
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }
}
