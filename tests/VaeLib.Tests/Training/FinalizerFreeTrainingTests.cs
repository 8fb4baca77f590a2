using VaeLib.Data;
using VaeLib.Likelihoods;
using VaeLib.Modules;
using VaeLib.Training;

namespace VaeLib.Tests.Training;

/// <summary>
/// A training step must leave nothing to the .NET finalizer: native objects that only the finalizer frees
/// (TorchSharp's implicit <c>Scalar</c>s, made by <c>tensor * 0.5</c> or even <c>a + b</c>) pile up between
/// garbage collections and fragment the C heap, so resident memory grows per minibatch. With garbage collection
/// held off for an epoch's minibatches, one collection then finds (almost) no finalizable objects.
/// </summary>
[Collection(GlobalRandomStateCollection.Name)]
public class FinalizerFreeTrainingTests
{
    public static TheoryData<string, OptimizerKind> Models => new()
    {
        { "mlp-bernoulli", OptimizerKind.Adam },
        { "mlp-gaussian-beta", OptimizerKind.RmsProp },
        { "conv-bernoulli", OptimizerKind.Adam },
        { "mlp-bernoulli", OptimizerKind.AdamW },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Training_leaves_no_native_memory_for_the_finalizer(string model, OptimizerKind optimizer)
    {
        using var data = SpritesDataset.Generate(new SpritesOptions { Count = 640, ImageSize = 16, Seed = 4 });
        using VariationalAutoencoder vae = model switch
        {
            "mlp-bernoulli" => VariationalAutoencoder.CreateMlp(data.ItemShape, latentSize: 4, hiddenSizes: [32]),
            "mlp-gaussian-beta" => new VariationalAutoencoder(
                new MlpEncoder(new MlpEncoderOptions { InputShape = data.ItemShape, HiddenSizes = [32] }),
                new MlpDecoder(new MlpDecoderOptions { LatentSize = 4, OutputShape = data.ItemShape, HiddenSizes = [32] }),
                new GaussianLikelihood(0.5)),
            _ => new VariationalAutoencoder(
                new ConvEncoder(new ConvEncoderOptions { InputShape = data.ItemShape, Channels = [4, 8], FeatureSize = 16 }),
                new ConvTransposeDecoder(new ConvTransposeDecoderOptions { LatentSize = 4, OutputShape = data.ItemShape, Channels = [8, 4], FeatureSize = 16 }),
                new BernoulliLikelihood()),
        };
        double beta = model.EndsWith("beta", StringComparison.Ordinal) ? 0.5 : 1.0;
        using var trainer = new Trainer(vae, new TrainerOptions { Epochs = 2, BatchSize = 8, Optimizer = optimizer, WeightDecay = optimizer == OptimizerKind.AdamW ? 0.01 : 0, Beta = beta, Device = ComputeDevice.Cpu });
        long finalizable = -1;
        var afterBatch = new SynchronousProgress<BatchProgress>(progress =>
        {
            if (progress.Epoch == 2 && progress.Batch == 1)
            {
                // Epoch 1 warmed up the optimizer's state and lazily loaded code; from here to the epoch's last
                // minibatch, one collection at the end finds every finalizable object that died in between.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                GC.TryStartNoGCRegion(200L << 20).Should().BeTrue("garbage collection must be held off while measuring");
            }
            else if (progress.Epoch == 2 && progress.Batch == progress.Batches)
            {
                System.Runtime.GCSettings.LatencyMode.Should().Be(System.Runtime.GCLatencyMode.NoGCRegion, "no collection may have run during the measured minibatches");
                GC.EndNoGCRegion();
                GC.Collect();
                finalizable = GC.GetGCMemoryInfo(GCKind.FullBlocking).FinalizationPendingCount;
                GC.WaitForPendingFinalizers();
            }
        });
        try
        {
            trainer.Fit(data, batchProgress: afterBatch);
        }
        finally
        {
            if (System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion)
            {
                GC.EndNoGCRegion();
            }
        }

        // 79 minibatches: one forgotten Scalar per minibatch would leave 79. Run alone the step leaves none; the test
        // host's own objects (about a dozen in a full run) make up the rest.
        finalizable.Should().BeInRange(0, 40, "objects left for the finalizer pile up per minibatch and fragment the C heap");
    }
}
