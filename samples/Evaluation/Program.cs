// Evaluation: how good is a trained VAE? Its log-likelihood on held-out data, how many latent dimensions it uses,
// and how its codes compare with PCA's as a representation. Trains on built-in sprites (no files, no downloads).
using VaeLib;
using VaeLib.Data;
using VaeLib.Evaluation;
using VaeLib.Training;
using static TorchSharp.torch;

VaeLib.Runtime.NativeAllocator.ReuseHeapForTensorBuffers(); // minibatch buffers reused without page faults (Linux)
int epochs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
using var training = SpritesDataset.Generate(new SpritesOptions { Count = 8000, ImageSize = 20, Seed = 1 });
using var test = SpritesDataset.Generate(new SpritesOptions { Count = 1000, ImageSize = 20, Seed = 2 });

manual_seed(1);
var model = VariationalAutoencoder.CreateMlp(training.ItemShape, latentSize: 8, hiddenSizes: [256, 128]);
using (var trainer = new Trainer(model, new TrainerOptions { Epochs = epochs, BatchSize = 64, LearningRate = 2e-3 }))
{
    Console.WriteLine($"Training a VAE with 8 latent dimensions on {training.Count} sprites for {epochs} epochs on {trainer.Device.type}…");
    trainer.Fit(training);
}

// One call measures everything; each part is also a type of its own (MarginalLikelihood, LatentCodes,
// LatentDiagnostics, PrincipalComponentModel, LinearProbe). K up to 100 keeps this sample quick; vae eval uses 1000.
var options = new EvaluationOptions { Likelihood = new MarginalLikelihoodOptions { SampleCounts = [1, 10, 100] } };
EvaluationReport report = ModelEvaluation.Evaluate(model, training, test, options);
LikelihoodEstimate likelihood = report.Likelihood;
Console.WriteLine($"Negative ELBO on the test sprites: {likelihood.NegativeElbo:F2} nats ({likelihood.Reconstruction:F2} reconstruction + {likelihood.Kl:F2} KL).");
for (int c = 0; c < likelihood.SampleCounts.Count; c++)
{
    Console.WriteLine($"  −log p(x) ≤ {-likelihood.LogLikelihood[c],7:F2} with K = {likelihood.SampleCounts[c]} importance samples");
}

Console.WriteLine($"Active latent dimensions: {report.Latent.ActiveUnits} of 8; KL per dimension: {string.Join(", ", report.Latent.KlPerDimension.Select(kl => kl.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}.");
Console.WriteLine($"Squared reconstruction error per sprite: VAE {report.SquaredError:F2}, PCA with 8 components {report.PcaSquaredError:F2}.");
Console.WriteLine($"Linear probe for the shape: VAE μ {report.ProbeAccuracy:P1}, PCA scores {report.PcaProbeAccuracy:P1}, always guessing the commonest shape {report.MajorityRate:P1}.");

// The representation itself, for another tool: one row per test sprite with its shape, μ and σ.
using (LatentCodes codes = LatentCodes.Encode(model, test))
{
    codes.SaveCsv("latents.csv", test.Labels.Select(label => test.LabelNames[label]).ToArray());
    Console.WriteLine($"Wrote latents.csv: {codes.Count} rows of μ and σ.");
}

bool tighter = likelihood.LogLikelihood[^1] > -likelihood.NegativeElbo;
return tighter && report.ProbeAccuracy > report.MajorityRate ? 0 : 1;
