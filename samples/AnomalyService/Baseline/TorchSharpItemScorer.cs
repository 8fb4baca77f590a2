#if TORCHSHARP_BASELINE
using VaeLib.Persistence;
using static TorchSharp.torch;

namespace AnomalyService;

/// <summary>
/// The size baseline only: the same score, KL − log p(x | z = μ), with VaeLib on TorchSharp from a saved model folder
/// (pixel values divided by 255, as the export does for image models).
/// </summary>
/// <param name="folder">A saved model folder (vae train's run folder).</param>
internal sealed class TorchSharpItemScorer(string folder) : IItemScorer
{
    private readonly SavedModel saved = SavedModel.Load(folder);
    private readonly object gate = new();

    public long ItemSize => saved.Model.InputShape.Aggregate(1L, (product, size) => product * size);

    public string InputUnits => "pixel values 0-255";

    public InputRange? Range { get; } = new(0, 255);

    public string Description => $"{folder} on TorchSharp";

    public ScoreResponse Score(float[][] items)
    {
        if (items.Any(item => item is null || item.Length != ItemSize))
        {
            throw new ArgumentException($"Every item needs {ItemSize} values.", nameof(items));
        }

        lock (gate)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Tensor x = tensor(items.SelectMany(item => item).ToArray(), [items.Length, .. saved.Model.InputShape]).div_(255f);
            saved.Model.CheckInput(x);
            var posterior = saved.Model.Encode(x);
            Tensor logLikelihood = saved.Model.Likelihood.LogProb(x, saved.Model.Decode(posterior.Mean));
            Tensor kl = posterior.KlToStandardNormal();
            return new ScoreResponse((kl - logLikelihood).data<float>().ToArray(), logLikelihood.data<float>().ToArray(), kl.data<float>().ToArray());
        }
    }

    public void Dispose() => saved.Dispose();
}
#endif
