// LatentExploration: what lives in a VAE's latent space. Trains on sprites whose generating factors (shape, scale,
// rotation, x, y) are known, then
//   - ranks the latent dimensions by their KL (the active ones carry information, the rest are switched off),
//   - finds which factor each active dimension follows (the correlation of μ with each factor),
//   - walks each active dimension with the others fixed (traversal.png),
//   - walks between two sprites along the straight and the spherical path (interpolation.png).
// Usage: dotnet run --project samples/LatentExploration -c Release [-- epochs [output folder]]
using System.Globalization;
using VaeLib;
using VaeLib.Data;
using VaeLib.Evaluation;
using VaeLib.Latent;
using VaeLib.Training;
using VaeLib.Visualization;
using static TorchSharp.torch;

VaeLib.Runtime.NativeAllocator.ReuseHeapForTensorBuffers(); // minibatch buffers reused without page faults (Linux)
int epochs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 15;
string output = args.Length > 1 ? args[1] : ".";
Directory.CreateDirectory(output);

using var training = SpritesDataset.Generate(new SpritesOptions { Count = 12000, ImageSize = 20, Seed = 1 });
using var test = SpritesDataset.Generate(new SpritesOptions { Count = 2000, ImageSize = 20, Seed = 2 });
manual_seed(1);
using var model = VariationalAutoencoder.CreateMlp(training.ItemShape, latentSize: 8, hiddenSizes: [256, 128]);
using var trainer = new Trainer(model, new TrainerOptions { Epochs = epochs, BatchSize = 64, LearningRate = 2e-3 });
Console.WriteLine($"Training an 8-dimensional VAE on {training.Count} sprites for {epochs} epochs…");
double loss = trainer.Fit(training, test).Epochs[^1].Validation!.Loss;
Console.WriteLine($"Test loss {loss:F2} nats per sprite.");

model.eval();
using var codes = LatentCodes.Encode(model, test);
LatentDiagnostics diagnostics = LatentDiagnostics.Of(codes);
int[] byKl = Enumerable.Range(0, diagnostics.KlPerDimension.Count).OrderByDescending(d => diagnostics.KlPerDimension[d]).ToArray();
int[] active = byKl.Where(d => diagnostics.Activity[d] > diagnostics.Threshold).ToArray();

string[] factorNames = ["scale", "rotation (cos)", "rotation (sin)", "x", "y"];
double[][] factors =
[
    test.Factors.Select(f => f.Scale).ToArray(),
    test.Factors.Select(f => Math.Cos(f.Rotation)).ToArray(),
    test.Factors.Select(f => Math.Sin(f.Rotation)).ToArray(),
    test.Factors.Select(f => f.X).ToArray(),
    test.Factors.Select(f => f.Y).ToArray(),
];
float[] means = codes.Mean.cpu().contiguous().data<float>().ToArray();
int latentSize = (int)codes.LatentSize;

Console.WriteLine();
Console.WriteLine($"{diagnostics.ActiveUnits} of {latentSize} dimensions are active. By KL, with the factor each follows most closely:");
Console.WriteLine(" dim   KL (nats)   var(μ)   strongest factor          |correlation|");
foreach (int d in byKl)
{
    double[] mu = Enumerable.Range(0, test.Factors.Count).Select(i => (double)means[(i * latentSize) + d]).ToArray();
    var (name, r) = factorNames.Zip(factors, (n, f) => (n, Math.Abs(Correlation(mu, f)))).MaxBy(pair => pair.Item2);
    string follows = diagnostics.Activity[d] > diagnostics.Threshold ? $"{name,-24}  {r,6:F2}" : "(inactive)";
    Console.WriteLine($" z{d + 1,-3} {diagnostics.KlPerDimension[d],9:F2} {diagnostics.Activity[d],8:F3}   {follows}");
}

using (var scope = NewDisposeScope())
using (no_grad())
{
    // Traversal: each active dimension from −3 to 3 prior standard deviations, the others at the first sprite's μ.
    Tensor origin = codes.Mean[0].to(model.Device);
    int[] walked = active.Length > 0 ? active : byKl.Take(1).ToArray();
    Tensor traversal = model.Likelihood.Mean(model.Decode(LatentPaths.Traverse(origin, walked, range: 3, steps: 9)));
    string traversalPath = Path.Combine(output, "traversal.png");
    ImageGrid.SavePng(traversal, traversalPath, columns: 9, scale: 3);

    // Interpolation between two test sprites: the straight line (top row) and the great circle (bottom row).
    Tensor a = codes.Mean[1].to(model.Device);
    Tensor b = codes.Mean[2].to(model.Device);
    Tensor rows = model.Likelihood.Mean(model.Decode(cat([LatentPaths.Linear(a, b, 10), LatentPaths.Spherical(a, b, 10)], 0)));
    string interpolationPath = Path.Combine(output, "interpolation.png");
    ImageGrid.SavePng(rows, interpolationPath, columns: 10, scale: 3);
    Console.WriteLine();
    Console.WriteLine($"Wrote {traversalPath} (one row per active dimension, in the order above) and {interpolationPath}.");
}

return diagnostics.ActiveUnits > 0 ? 0 : 1;

static double Correlation(double[] a, double[] b)
{
    double meanA = a.Average();
    double meanB = b.Average();
    double covariance = a.Zip(b, (x, y) => (x - meanA) * (y - meanB)).Sum();
    double spread = Math.Sqrt(a.Sum(x => (x - meanA) * (x - meanA)) * b.Sum(y => (y - meanB) * (y - meanB)));
    return spread == 0 ? 0 : covariance / spread;
}
