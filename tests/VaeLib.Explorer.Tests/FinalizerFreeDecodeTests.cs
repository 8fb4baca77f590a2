using VaeLib.Data;
using static TorchSharp.torch;

namespace VaeLib.Explorer.Tests;

/// <summary>
/// A slider drag decodes and encodes a PNG per move, for as long as the page is open; like a training step, a move must
/// leave nothing to the .NET finalizer (implicit Scalars and shape reads, freed late, fragment the C heap).
/// </summary>
[Collection(FinalizerFreeDecodeTests.Alone)]
public sealed class FinalizerFreeDecodeTests
{
    public const string Alone = "Counts finalizable objects alone";

    [Fact]
    public void Decoding_to_png_leaves_no_native_memory_for_the_finalizer()
    {
        using var items = new TensorDataset(rand(100, 1, 28, 28, generator: new Generator(2)));
        using var model = VariationalAutoencoder.CreateMlp([1, 28, 28], latentSize: 8, hiddenSizes: [64]);
        LatentExplorer explorer = LatentExplorer.Create(model, new ExplorerData(items, "random"));
        double[] z = new double[8];
        void Move(int step)
        {
            z[step % 8] = Math.Sin(step);
            explorer.DecodeAsync([z]).GetAwaiter().GetResult().ToPng(columns: 1).Should().NotBeEmpty();
        }

        for (int step = 0; step < 20; step++)
        {
            Move(step); // loads code and warms up
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.TryStartNoGCRegion(200L << 20).Should().BeTrue("garbage collection must be held off while measuring");
        try
        {
            for (int step = 0; step < 200; step++)
            {
                Move(step);
            }

            System.Runtime.GCSettings.LatencyMode.Should().Be(System.Runtime.GCLatencyMode.NoGCRegion, "no collection may have run during the moves");
        }
        finally
        {
            GC.EndNoGCRegion();
        }

        GC.Collect();
        long finalizable = GC.GetGCMemoryInfo(GCKind.FullBlocking).FinalizationPendingCount;
        GC.WaitForPendingFinalizers();

        // 200 moves: one forgotten Scalar per move would leave at least 200.
        finalizable.Should().BeInRange(0, 45, "objects left for the finalizer pile up per move and fragment the C heap");
    }
}

/// <summary>Runs the finalizer count with no other test of this assembly beside it.</summary>
[CollectionDefinition(FinalizerFreeDecodeTests.Alone, DisableParallelization = true)]
public sealed class FinalizerCountCollection;
