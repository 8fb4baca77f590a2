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
    }

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
