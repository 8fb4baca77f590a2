using System.CommandLine;
using System.ComponentModel;
using System.Diagnostics;
using VaeLib.Data;
using VaeLib.Explorer;
using VaeLib.Persistence;
using TorchSharp;
using VaeLib.Training;

namespace VaeLib.Cli.Commands;

/// <summary><c>vae explore</c>: serves the interactive latent-space explorer for a saved model until Ctrl-C.</summary>
internal static class ExploreCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A saved model folder (a vae train run folder).", Required = true };
        var data = ModelData.Option();
        var host = new Option<string>("--host") { Description = "Address to listen on. The default, 127.0.0.1, is this machine only; another (e.g. 0.0.0.0) lets other machines use the model, and a warning says so.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port; 0 picks a free one. The URL is printed either way.", DefaultValueFactory = _ => 0 };
        var open = new Option<bool>("--open") { Description = "Open the page in the default browser once the server listens." };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Never open a browser (the default; for scripts that want to say so)." };
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda.", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        var seed = new Option<int>("--seed") { Description = "Seed of the anomaly scores' draws, and of the data split when the model does not record one.", DefaultValueFactory = _ => 1 };
        var maxParameters = ModelCommandOptions.MaxParametersOption("A saved model with more parameters is refused before it is allocated.");
        var command = new Command("explore", "Explore a model's latent space in the browser: sliders, a map of the test set, interpolations, samples and anomalies.")
        {
            model, data, host, port, open, noBrowser, device, seed, maxParameters,
        };
        command.SetAction(result =>
        {
            if (result.GetValue(open) && result.GetValue(noBrowser))
            {
                throw new UsageException("--open and --no-browser contradict each other; give one.");
            }

            var serverOptions = new ExplorerServerOptions { Host = result.GetValue(host)!, Port = result.GetValue(port) };
            using ExplorerServer server = Listen(serverOptions);
            using SavedModel saved = SavedModel.Load(result.GetValue(model)!, maxParameterCount: result.GetValue(maxParameters));
            ConditionLabels.RequireUnconditional(saved, "explore");
            saved.Model.to(Enum.Parse<ComputeDevice>(result.GetValue(device)!, ignoreCase: true).ToTorchDevice());
            using OpenedData opened = ModelData.OpenFor(saved, result.GetValue(data), result.GetValue(seed));
            Console.WriteLine($"Encoding and scoring {opened.Test.Count} test items of {opened.Source}…");
            var explorerData = new ExplorerData(opened.Test, opened.Source) { Standardization = opened.IsTable ? CsvStandardization.FromMetadata(opened.Metadata) : null };
            LatentExplorer explorer = LatentExplorer.Create(saved.Model, explorerData, new LatentExplorerOptions
            {
                AnomalyScoring = new Evaluation.AnomalyScorerOptions { RelativeToPerfectFit = true, Seed = (ulong)result.GetValue(seed) },
            });
            Serve(server, explorer, result.GetValue(open)).GetAwaiter().GetResult();
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Binds the address and port before the model and data are read, so that a port in use or an address this machine
    /// does not have fails in a moment, naming the options, instead of after encoding the whole test set.
    /// </summary>
    private static ExplorerServer Listen(ExplorerServerOptions options)
    {
        if (!options.IsLoopback)
        {
            Console.Error.WriteLine($"warning: listening on {options.Host}: other machines that reach this one can use the model (there is no login). Use --host 127.0.0.1 to keep it local.");
        }

        try
        {
            return ExplorerServer.ListenAsync(options).GetAwaiter().GetResult();
        }
        catch (IOException exception)
        {
            throw new UsageException($"--host {options.Host} --port {options.Port}: cannot listen there ({exception.Message}); choose another port (0 picks a free one) or an address of this machine.");
        }
    }

    private static async Task Serve(ExplorerServer server, LatentExplorer explorer, bool openBrowser)
    {
        server.Serve(explorer);
        Console.WriteLine($"Explorer: {server.Url}");
        Console.WriteLine("Press Ctrl-C to stop.");
        if (openBrowser)
        {
            OpenInBrowser(server.Url);
        }

        await server.WaitForShutdownAsync();
    }

    private static void OpenInBrowser(Uri url)
    {
        try
        {
            using var browser = Process.Start(new ProcessStartInfo(url.AbsoluteUri) { UseShellExecute = true });
        }
        catch (Exception exception) when (exception is Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            Console.Error.WriteLine($"warning: could not open a browser ({exception.Message}); open {url} yourself.");
        }
    }
}
