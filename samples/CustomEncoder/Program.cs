// CustomEncoder: plug your own encoder (a residual conv net, ResidualConvEncoder.cs) into VaeLib, train it with the
// library's trainer and a Microsoft.Extensions.Logging console logger, save it, and reload it from disk: the saved
// model names the encoder, and a ModuleRegistry says how to build it again.
// Usage: dotnet run --project samples/CustomEncoder -c Release [-- epochs]
using Microsoft.Extensions.Logging;
using VaeLib;
using VaeLib.Data;
using VaeLib.Likelihoods;
using VaeLib.Modules;
using VaeLib.Persistence;
using VaeLib.Training;
using VaeLib.Visualization;
using static TorchSharp.torch;

VaeLib.Runtime.NativeAllocator.ReuseHeapForTensorBuffers(); // minibatch buffers reused without page faults (Linux)
int epochs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 8;

using var training = SpritesDataset.Generate(new SpritesOptions { Count = 6000, ImageSize = 16, Seed = 1 });
using var validation = SpritesDataset.Generate(new SpritesOptions { Count = 1000, ImageSize = 16, Seed = 2 });

// The registry is how a saved model finds your encoder again; the settings travel in model.json.
var registry = new ModuleRegistry().RegisterEncoder(
    "residual-conv",
    spec => new ResidualConvEncoder(spec.InputShape, int.Parse(spec.Settings["width"], System.Globalization.CultureInfo.InvariantCulture)));
var architecture = new VaeArchitecture
{
    Kind = ModelKind.Conv,                       // the decoder stays the built-in transposed-conv one
    InputShape = training.ItemShape,
    HiddenSizes = [128],
    LatentSize = 6,
    CustomEncoder = "residual-conv",
    CustomSettings = new Dictionary<string, string> { ["width"] = "16" },
};

manual_seed(1);
using VariationalAutoencoder model = architecture.Build(registry);
using ILoggerFactory logging = LoggerFactory.Create(builder => builder.AddSimpleConsole(options => options.SingleLine = true));
using var trainer = new Trainer(model, new TrainerOptions { Epochs = epochs, BatchSize = 64, LearningRate = 2e-3 }, logging.CreateLogger<Trainer>());
TrainingHistory history = trainer.Fit(training, validation);

string folder = Path.Combine(Path.GetTempPath(), "vaelib-custom-encoder");
new SavedModel(model, architecture, new Dictionary<string, string> { ["sample"] = "CustomEncoder" }).Save(folder);
using SavedModel reloaded = SavedModel.Load(folder, registry);

model.eval();
reloaded.Model.eval();
using var scope = NewDisposeScope();
Tensor inputs = validation.GetBatch(arange(4L)).to(trainer.Device);
Tensor before = model.Encode(inputs).Mean;
Tensor after = reloaded.Model.Encode(inputs.cpu()).Mean;
double difference = (before.cpu() - after).abs().max().item<float>();
Console.WriteLine($"Saved to {folder} and reloaded with the registry: {reloaded.Model.Encoder.GetType().Name}, largest difference in μ {difference:G3}.");
Console.WriteLine("Validation sprites and their reconstructions by the reloaded model:");
Console.Write(TextImage.Render(cat([inputs.cpu(), reloaded.Model.Reconstruct(inputs.cpu())], 0)));

double first = history.Epochs[0].Validation!.Loss;
double last = history.Epochs[^1].Validation!.Loss;
Console.WriteLine($"Validation loss {first:F2} → {last:F2} nats per sprite.");
return difference < 1e-5 && (last < first || epochs == 1) ? 0 : 1;
