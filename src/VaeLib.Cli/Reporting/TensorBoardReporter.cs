using VaeLib.Cli.Commands;
using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Cli.Reporting;

/// <summary>
/// <c>vae train --tensorboard DIR</c>: after each epoch, the losses and, for image data, samples from the same prior
/// draws and reconstructions of the same test items, so TensorBoard's image slider shows the model learning.
/// </summary>
internal sealed class TensorBoardReporter(string directory, VariationalAutoencoder model, OpenedData data, int seed)
{
    private readonly TensorBoardLog log = new(directory);

    public void Write(EpochReport report)
    {
        log.WriteEpoch(report);
        if (model.InputShape.Count != 3)
        {
            return;
        }

        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            log.WriteImages("samples", RunPictures.Samples(model, seed), report.Epoch);
            log.WriteImages("reconstructions", RunPictures.InputsAndReconstructions(model, data.Test, 8), report.Epoch);
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
