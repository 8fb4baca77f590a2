using VaeLib.Data;
using VaeLib.Likelihoods;
using VaeLib.Modules;
using VaeLib.Training;

namespace VaeLib.Tests.Training;

/// <summary>
/// A training step must leave nothing to the .NET finalizer: native objects that only the finalizer frees
/// (TorchSharp's implicit <c>Scalar</c>s, made by <c>tensor * 0.5</c> or even <c>a + b</c>) pile up between
/// garbage collections and fragment the C heap, so resident memory grows per minibatch. With garbage collection
/// held off for two epochs, one collection then finds (almost) no finalizable objects.
/// </summary>
[Collection(GlobalRandomStateCollection.Name)]
public class FinalizerFreeTrainingTests
{
    public static TheoryData<string, OptimizerKind> Models => new()
    {
        { "mlp-bernoulli", OptimizerKind.Adam },
        { "mlp-gaussian-beta", OptimizerKind.RmsProp },
        { "conv-bernoulli", OptimizerKind.Adam },
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
        using var trainer = new Trainer(vae, new TrainerOptions { Epochs = 3, BatchSize = 8, Optimizer = optimizer, Beta = beta, Device = ComputeDevice.Cpu });
        long finalizable = -1;
        var atEpochEnd = new SynchronousProgress<EpochReport>(report =>
        {
            if (report.Epoch == 1)
            {
                // The first epoch warmed up the optimizer's state, its buffers and lazily loaded code; from here on,
                // one collection at the end finds every finalizable object that died in epochs 2 and 3.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                GC.TryStartNoGCRegion(200L << 20).Should().BeTrue("garbage collection must be held off while measuring");
            }
            else if (report.Epoch == 3)
            {
                System.Runtime.GCSettings.LatencyMode.Should().Be(System.Runtime.GCLatencyMode.NoGCRegion, "no collection may have run during the measured epochs");
                GC.EndNoGCRegion();
                GC.Collect();
                finalizable = GC.GetGCMemoryInfo(GCKind.FullBlocking).FinalizationPendingCount;
                GC.WaitForPendingFinalizers();
            }
        });
        try
        {
            trainer.Fit(data, validation: data, progress: atEpochEnd);
        }
        finally
        {
            if (System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion)
            {
                GC.EndNoGCRegion();
            }
        }

        // Two epochs of 80 training and 80 validation minibatches: one forgotten Scalar per minibatch is 320; what
        // each epoch makes once (its shuffle, the validation generator) comes to about 16.
        finalizable.Should().BeLessThan(64, "objects left for the finalizer pile up per minibatch and fragment the C heap");
    }

    private sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value);
    }
}
