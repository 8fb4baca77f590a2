using VaeLib.Likelihoods;

namespace VaeLib.Onnx;

/// <summary>
/// Writes the built-in likelihoods' mean and log-likelihood, and the Gaussian posterior's KL, as ONNX nodes, in the
/// same order of operations as VaeLib computes them.
/// </summary>
internal static class LikelihoodGraphs
{
    /// <summary>Checks that the likelihood is one the export can write.</summary>
    /// <exception cref="OnnxExportException">It is a custom likelihood.</exception>
    public static void Check(Likelihood likelihood)
    {
        if (likelihood is not (BernoulliLikelihood or GaussianLikelihood))
        {
            throw new OnnxExportException($"The likelihood {likelihood.GetType().FullName} ('{likelihood.Name}') cannot be exported to ONNX: the export covers {nameof(BernoulliLikelihood)} and {nameof(GaussianLikelihood)}.");
        }
    }

    /// <summary>E[x|z] from the parameters, into the value named <paramref name="output"/>: sigmoid of the Bernoulli logits, the Gaussian mean itself.</summary>
    public static void Mean(OnnxGraphBuilder graph, Likelihood likelihood, string parameters, string output) =>
        graph.NodeTo(output, likelihood is BernoulliLikelihood ? "Sigmoid" : "Identity", [parameters]);

    /// <summary>log p(x|θ) summed over an item's elements, shape <c>[N]</c>, into the value named <paramref name="output"/>.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="likelihood">A built-in likelihood.</param>
    /// <param name="data">x in the model's units, <c>[N, *S]</c>.</param>
    /// <param name="parameters">The decoder's output, <c>[N, *S]</c>.</param>
    /// <param name="elements">M, the number of elements of an item.</param>
    /// <param name="output">The output's name.</param>
    public static void LogProb(OnnxGraphBuilder graph, Likelihood likelihood, string data, string parameters, long elements, string output)
    {
        var flat = new Dictionary<string, object> { ["axis"] = 1L };
        string x = graph.Node("Flatten", [data], flat);
        string theta = graph.Node("Flatten", [parameters], flat);
        if (likelihood is BernoulliLikelihood)
        {
            // x·ℓ − softplus(ℓ), with softplus(ℓ) = max(ℓ, 0) + log(1 + e^{−|ℓ|}): libtorch's binary cross-entropy with
            // logits in the same stable form, which no value of ℓ overflows.
            string tail = graph.Node("Log", [graph.Node("Add", [graph.Node("Exp", [graph.Node("Neg", [graph.Node("Abs", [theta])])]), graph.Constant("bernoulli.one", [1f])])]);
            string softplus = graph.Node("Add", [graph.Node("Relu", [theta]), tail]);
            string perElement = graph.Node("Sub", [graph.Node("Mul", [x, theta]), softplus]);
            SumItems(graph, perElement, output);
            return;
        }

        // −‖θ − x‖² / (2c) − (M/2) log(2πc), as GaussianLikelihood computes it.
        double variance = ((GaussianLikelihood)likelihood).Variance;
        string difference = graph.Node("Sub", [theta, x]);
        string squares = SumItems(graph, graph.Node("Mul", [difference, difference]), null);
        string scaled = graph.Node("Mul", [squares, graph.Constant("gaussian.scale", [(float)(-0.5 / variance)])]);
        graph.NodeTo(output, "Sub", [scaled, graph.Constant("gaussian.constant", [(float)(0.5 * elements * Math.Log(2 * Math.PI * variance))])]);
    }

    /// <summary>KL(N(μ, σ²) ‖ N(0, I)) = −½ Σ_d (1 + log σ² − μ² − σ²), shape <c>[N]</c>, into the value named <paramref name="output"/>.</summary>
    public static void Kl(OnnxGraphBuilder graph, string mean, string logVariance, string output)
    {
        string onePlus = graph.Node("Add", [logVariance, graph.Constant("kl.one", [1f])]);
        string terms = graph.Node("Sub", [graph.Node("Sub", [onePlus, graph.Node("Mul", [mean, mean])]), graph.Node("Exp", [logVariance])]);
        SumItems(graph, graph.Node("Mul", [terms, graph.Constant("kl.minus_half", [-0.5f])]), output);
    }

    /// <summary>Sums <c>[N, M]</c> over M; the result is named <paramref name="output"/> when given.</summary>
    private static string SumItems(OnnxGraphBuilder graph, string values, string? output)
    {
        string[] inputs = [values, graph.Int64Constant("sum.axes", 1)];
        var attributes = new Dictionary<string, object> { ["keepdims"] = 0L };
        if (output is null)
        {
            return graph.Node("ReduceSum", inputs, attributes);
        }

        graph.NodeTo(output, "ReduceSum", inputs, attributes);
        return output;
    }
}
