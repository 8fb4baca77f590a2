using System.CommandLine;
using VaeLib.Benchmarks;

// Child mode: the minimal TorchSharp loop, run by the benchmark as its own process.
var minimalEpochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 10 };
var minimal = new Command("minimal", "Run only the minimal TorchSharp loop (the benchmark runs it as a child process).") { minimalEpochs };
minimal.SetAction(result => MinimalLoop.Run(result.GetValue(minimalEpochs), batchSize: 128, seed: 1));

// Explorer mode: decode-to-PNG latency and map load of vae explore's HTTP API (docs/explore.md).
var exploreModel = new Option<string>("--model") { Description = "A saved model folder.", Required = true };
var exploreData = new Option<string>("--data") { Description = "Its test set: a known data set name or an IDX folder.", DefaultValueFactory = _ => "fashion-mnist" };
var exploreRequests = new Option<int>("--requests") { Description = "Decode requests to measure.", DefaultValueFactory = _ => 1000 };
var explore = new Command("explore", "Measure vae explore's decode-to-PNG round trips over HTTP and the map load.") { exploreModel, exploreData, exploreRequests };
explore.SetAction(result => ExplorerBenchmark.Run(result.GetValue(exploreModel)!, result.GetValue(exploreData)!, result.GetValue(exploreRequests)));

// Deployment mode: ONNX Runtime vs TorchSharp scoring latency and throughput, and the scoring sample's publish size.
var scoringModel = new Option<string?>("--model") { Description = "A saved 784-400-20 Fashion-MNIST model (vae train --data fashion-mnist); default: random initial weights." };
var scoringIterations = new Option<int>("--iterations") { Description = "Timed batch-1 calls per engine.", DefaultValueFactory = _ => 2000 };
var scoringSizes = new Option<bool>("--no-publish") { Description = "Skip the two self-contained publishes of samples/AnomalyService." };
var scoringOutput = new Option<string?>("--out") { Description = "Folder for results-scoring.md and the publish outputs." };
var scoring = new Command("scoring", "Scoring benchmark: ONNX Runtime vs VaeLib on TorchSharp (batch 1 p50/p99, batch 256 throughput) and the publish size of samples/AnomalyService on each.")
{
    scoringModel, scoringIterations, scoringSizes, scoringOutput,
};
scoring.SetAction(result => ScoringBenchmark.Run(new ScoringSettings(
    result.GetValue(scoringModel),
    result.GetValue(scoringIterations),
    !result.GetValue(scoringSizes),
    result.GetValue(scoringOutput) ?? Path.Combine("runs", $"scoring-{DateTime.Now:yyyyMMdd-HHmmss}"))));

var epochs = new Option<int>("--epochs") { Description = "Epochs of the MLP rows.", DefaultValueFactory = _ => 10 };
var convEpochs = new Option<int>("--conv-epochs") { Description = "Epochs of the conv rows (0 skips them).", DefaultValueFactory = _ => 1 };
var python = new Option<string>("--python") { Description = "Python with python3-torch for the PyTorch peer.", DefaultValueFactory = _ => "/usr/bin/python3" };
var output = new Option<string>("--out") { Description = "Folder for the results (results.md, results.json and each row's run folder)." };
var root = new RootCommand("VaeLib's training benchmark on Fashion-MNIST: VaeLib (vae train), the PyTorch peer and a minimal TorchSharp loop, side by side in one run.")
{
    epochs, convEpochs, python, output, minimal, explore, scoring,
};
root.SetAction(result => Benchmark.Run(new BenchmarkSettings(
    result.GetValue(epochs),
    result.GetValue(convEpochs),
    result.GetValue(python)!,
    result.GetValue(output) ?? Path.Combine("runs", $"benchmark-{DateTime.Now:yyyyMMdd-HHmmss}"))));
return root.Parse(args).Invoke();
