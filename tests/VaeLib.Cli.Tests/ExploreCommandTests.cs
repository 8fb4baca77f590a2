using System.Diagnostics;
using System.Text.Json;

namespace VaeLib.Cli.Tests;

public class ExploreCommandTests(TrainedRun run) : IClassFixture<TrainedRun>
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("127.0.0.2", "127.0.0.2")] // any loopback address the user chose is served, not refused by the DNS-rebinding check
    [InlineData("localhost", "127.0.0.1")] // with port 0: Kestrel cannot pick one free port for both of localhost's addresses
    public async Task Explore_serves_the_model_on_a_free_loopback_port_and_prints_its_url(string host, string urlHost)
    {
        run.Result.ExitCode.Should().Be(0, run.Result.Error);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { Path.Combine(AppContext.BaseDirectory, "vae.dll"), "explore", "--model", run.Folder, "--host", host, "--port", "0", "--device", "cpu" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        try
        {
            string? url = null;
            using var reading = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            while (url is null && await process.StandardOutput.ReadLineAsync(reading.Token) is string line)
            {
                url = line.StartsWith("Explorer: ", StringComparison.Ordinal) ? line["Explorer: ".Length..] : null;
            }

            url.Should().NotBeNull($"vae explore prints its URL; it wrote to stderr: {(process.HasExited ? await errors : "(still running)")}");
            var address = new Uri(url!);
            address.Host.Should().Be(urlHost);
            address.Port.Should().BePositive();

            using var client = new HttpClient { BaseAddress = address };
            using JsonDocument info = JsonDocument.Parse(await client.GetStringAsync("/api/info"));
            info.RootElement.GetProperty("latentSize").GetInt32().Should().Be(4);
            info.RootElement.GetProperty("source").GetString().Should().Be("sprites");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public void A_port_in_use_is_refused_before_the_test_set_is_encoded_naming_the_options()
    {
        run.Result.ExitCode.Should().Be(0, run.Result.Error);
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        string port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = VaeProcess.Run("explore", "--model", run.Folder, "--port", port, "--device", "cpu");

        result.ExitCode.Should().Be(2, result.Error);
        result.Error.Should().Contain($"--host 127.0.0.1 --port {port}").And.Contain("cannot listen there");
        result.Output.Should().NotContain("Encoding and scoring", "the address is bound before the expensive start-up");
    }

    [Theory]
    [InlineData("--open --no-browser", "--open and --no-browser contradict each other")]
    [InlineData("--host example.org", "The host must be an IP address")]
    [InlineData("--port 70000", "--port must be between 0 and 65535")]
    public void Explore_refuses_contradictory_or_malformed_options_with_a_usage_error(string options, string message)
    {
        var result = VaeProcess.Run(["explore", "--model", run.Folder, .. options.Split(' ')]);

        result.ExitCode.Should().Be(2);
        result.Error.Should().Contain(message);
    }
}
