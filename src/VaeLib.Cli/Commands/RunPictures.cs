using VaeLib.Data;
using VaeLib.Evaluation;
using VaeLib.Visualization;
using VaeLib.Cli.Reporting;
using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Cli.Commands;

/// <summary>The pictures a training run leaves in its folder.</summary>
internal static class RunPictures
{
    public static void Write(VariationalAutoencoder model, OpenedData data, TrainingHistory history, string folder, int seed)
    {
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Charts.SaveLoss(history.Epochs, Path.Combine(folder, "loss.png"));
        if (data.Test is ILabeledDataset { Labels.Count: > 0 } labelled && model.LatentSize > 1)
        {
            SaveLatentMap(model, labelled, Path.Combine(folder, "latent.png"));
        }

        if (model.InputShape.Count != 3)
        {
            return;
        }

        ImageGrid.SavePng(Samples(model, seed), Path.Combine(folder, "samples.png"), columns: 8);
        Tensor pairs = InputsAndReconstructions(model, data.Test, 16);
        ImageGrid.SavePng(pairs, Path.Combine(folder, "reconstructions.png"), columns: (int)pairs.shape[0] / 2);
    }

    /// <summary>
    /// 64 images drawn from the prior with a generator seeded afresh, so calls with the same seed decode the same z.
    /// A conditional model draws one row of eight per label (the labels cycle when there are more than eight).
    /// </summary>
    public static Tensor Samples(VariationalAutoencoder model, int seed)
    {
        using var generator = new Generator((ulong)seed);
        return model.IsConditional
            ? model.Sample(ConditionLabels.OneHot(model, Enumerable.Range(0, 64).Select(i => i / 8 % model.ConditionSize).ToArray()), generator)
            : model.Sample(64, generator);
    }

    /// <summary>The first items of a data set followed by their reconstructions, <c>[2n, C, H, W]</c>.</summary>
    public static Tensor InputsAndReconstructions(VariationalAutoencoder model, IDataset data, long count)
    {
        Tensor indices = arange(Math.Min(count, data.Count));
        Tensor inputs = data.GetBatch(indices).to(model.Device);
        Tensor reconstructions = model.Reconstruct(inputs, ConditionLabels.For(model, data, indices));
        return cat([inputs, reconstructions], 0);
    }

    private static void SaveLatentMap(VariationalAutoencoder model, ILabeledDataset data, string path)
    {
        long count = Math.Min(2000L, data.Count);
        Tensor indices = arange(count);
        Tensor means = model.Encode(data.GetBatch(indices).to(model.Device), ConditionLabels.For(model, data, indices)).Mean.cpu();
        Tensor points = model.LatentSize > 2 ? PrincipalComponents.Project(means, 2) : means;
        string axes = model.LatentSize > 2 ? "first two principal components" : "z₁, z₂";
        float[] xs = points[.., 0].contiguous().data<float>().ToArray();
        float[] ys = points[.., 1].contiguous().data<float>().ToArray();
        Charts.SaveLatent(xs, ys, data.Labels.Take((int)count).ToArray(), data.LabelNames, axes, path);
    }
}
