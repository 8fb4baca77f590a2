using VaeLib.Likelihoods;
using static TorchSharp.torch;

namespace VaeLib.Onnx.Tests;

/// <summary>What VaeLib computes on TorchSharp, as flat float arrays, for comparison with the exported graphs.</summary>
internal static class TorchReference
{
    public static (float[] Mean, float[] LogVariance) Encode(VariationalAutoencoder model, Tensor x)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var posterior = model.Encode(x);
        return (Values(posterior.Mean), Values(posterior.LogVariance));
    }

    public static (float[] Parameters, float[] Mean) Decode(VariationalAutoencoder model, Tensor z)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor parameters = model.Decode(z);
        return (Values(parameters), Values(model.Likelihood.Mean(parameters)));
    }

    /// <summary>KL − log p(x | z = μ), with its parts, from VaeLib's own Likelihood.LogProb and GaussianPosterior.KlToStandardNormal.</summary>
    public static (float[] Score, float[] LogLikelihood, float[] Kl) Score(VariationalAutoencoder model, Tensor x)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var posterior = model.Encode(x);
        Tensor logLikelihood = model.Likelihood.LogProb(x, model.Decode(posterior.Mean));
        Tensor kl = posterior.KlToStandardNormal();
        return (Values(kl - logLikelihood), Values(logLikelihood), Values(kl));
    }

    public static float[] Values(Tensor tensor) => tensor.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();

    public static double MaxAbsDifference(float[] expected, float[] actual)
    {
        actual.Should().HaveCount(expected.Length);
        return expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max();
    }

    public static Likelihood LikelihoodOf(string name) => name == "gaussian" ? new GaussianLikelihood(0.5) : new BernoulliLikelihood();
}
