using static TorchSharp.torch;

namespace VaeLib.Training;

/// <summary>
/// Writes training curves and images as TensorBoard event files (through TorchSharp's <c>SummaryWriter</c>), for
/// <c>tensorboard --logdir DIR</c>.
/// </summary>
/// <remarks>
/// Scalars are written under <c>loss/train</c>, <c>loss/reconstruction</c>, <c>loss/kl</c>, <c>loss/validation</c>
/// and <c>throughput/samples_per_second</c>, with the epoch as the step, so runs written to sibling folders of one
/// log folder can be compared in one chart. Each call appends one event and flushes the file, so the log can be
/// watched while training runs and is complete if the process stops. It is an <see cref="IProgress{T}"/> of
/// <see cref="EpochReport"/>, so <c>trainer.Fit(training, validation, new TensorBoardLog(dir))</c> logs every epoch.
/// </remarks>
public sealed class TensorBoardLog : IProgress<EpochReport>
{
    private readonly TorchSharp.Modules.SummaryWriter writer;

    /// <summary>Creates the folder if needed and starts a new event file in it.</summary>
    /// <param name="directory">The log folder; existing event files there are kept.</param>
    public TensorBoardLog(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        writer = utils.tensorboard.SummaryWriter(directory);
    }

    /// <summary>The log folder.</summary>
    public string Directory => writer.LogDir;

    /// <summary>Writes an epoch's losses (in nats per item) and throughput, with the epoch number as the step.</summary>
    /// <param name="report">The epoch's report, as <see cref="Trainer.Fit"/> gives it to its progress callback.</param>
    public void WriteEpoch(EpochReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        writer.add_scalar("loss/train", (float)report.TrainLoss, report.Epoch);
        writer.add_scalar("loss/reconstruction", (float)report.TrainReconstruction, report.Epoch);
        writer.add_scalar("loss/kl", (float)report.TrainKl, report.Epoch);
        foreach ((string name, double value) in report.TrainTerms ?? new Dictionary<string, double>())
        {
            if (name is not "recon" and not "kl")
            {
                writer.add_scalar($"loss/{name}", (float)value, report.Epoch);
            }
        }

        if (report.Validation is { } validation)
        {
            writer.add_scalar("loss/validation", (float)validation.Loss, report.Epoch);
        }

        writer.add_scalar("throughput/samples_per_second", (float)report.SamplesPerSecond, report.Epoch);
    }

    /// <summary>Writes an epoch's report: the same as <see cref="WriteEpoch"/>, so the log can be passed to <see cref="Trainer.Fit"/> as its progress.</summary>
    /// <param name="value">The epoch's report.</param>
    public void Report(EpochReport value) => WriteEpoch(value);

    /// <summary>Writes images as one grid picture under a tag (TensorBoard's Images tab, one slider step per call).</summary>
    /// <param name="tag">The picture's name, e.g. <c>samples</c>.</param>
    /// <param name="images">Images <c>[N, C, H, W]</c>, C = 1 or 3, intensities in [0, 1] (clamped), on any device.</param>
    /// <param name="step">The step, usually the epoch.</param>
    /// <exception cref="ArgumentException">The tensor is not a batch of grey or RGB images.</exception>
    public void WriteImages(string tag, Tensor images, int step)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tag);
        ArgumentNullException.ThrowIfNull(images);
        long[] shape = images.shape;
        if (shape.Length != 4 || (shape[1] != 1 && shape[1] != 3) || shape[0] == 0)
        {
            throw new ArgumentException($"Expected images [N, 1 or 3, H, W]; found {Shapes.Format(shape)}.", nameof(images));
        }

        using var scope = NewDisposeScope();
        // TensorBoard wants three channels; make_grid lays the batch out in rows of eight.
        Tensor rgb = images.detach().cpu().to_type(ScalarType.Float32).clamp(0, 1).expand(-1, 3, -1, -1).contiguous();
        writer.add_img(tag, rgb, step, dataformats: "NCHW");
    }
}
