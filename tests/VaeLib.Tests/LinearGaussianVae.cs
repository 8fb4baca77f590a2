using TorchSharp;
using VaeLib.Likelihoods;
using VaeLib.Modules;
using static TorchSharp.torch;

namespace VaeLib.Tests;

/// <summary>
/// A linear-Gaussian VAE with known answers: p(z) = N(0, I), p(x|z) = N(Wz + b, cI), so p(x) = N(b, WWᵀ + cI)
/// exactly. W's columns are orthogonal, so the exact posterior p(z|x) is a diagonal Gaussian with mean
/// w_jᵀ(x − b) / (‖w_j‖² + c) and variance c / (‖w_j‖² + c): a linear encoder can represent it exactly.
/// All reference values are computed here in double precision, independently of the library.
/// </summary>
internal static class LinearGaussianVae
{
    public const int DataSize = 4;
    public const int LatentSize = 2;
    public const double NoiseVariance = 0.25;
    public static readonly double[,] W = { { 0.9, 0.0 }, { 0.9, 0.0 }, { 0.0, 0.6 }, { 0.0, -0.6 } };
    public static readonly double[] B = { 0.5, -0.2, 0.1, 0.3 };

    /// <summary>The model with the decoder fixed to (W, b) and a randomly initialised linear encoder.</summary>
    /// <param name="prior">p(z); null for N(0, I).</param>
    public static VariationalAutoencoder Create(VaeLib.Latent.Prior? prior = null)
    {
        var encoder = new MlpEncoder(new MlpEncoderOptions { InputShape = [DataSize], HiddenSizes = [] });
        var decoder = new MlpDecoder(new MlpDecoderOptions { LatentSize = LatentSize, OutputShape = [DataSize], HiddenSizes = [] });
        var model = new VariationalAutoencoder(encoder, decoder, new GaussianLikelihood(NoiseVariance), conditionSize: 0, prior);
        using (no_grad())
        {
            foreach (var (name, parameter) in decoder.named_parameters())
            {
                parameter.copy_(name.EndsWith("weight", StringComparison.Ordinal) ? tensor(W, ScalarType.Float32) : tensor(B, ScalarType.Float32));
                parameter.requires_grad_(false);
            }
        }

        return model;
    }

    /// <summary>The model with its encoder set to the exact posterior, so q(z|x) = p(z|x) and the ELBO equals log p(x).</summary>
    /// <remarks>
    /// Under a prior N(m, diag s²) the posterior is N(μ, diag v) with v_j = 1 / (1/s_j² + ‖w_j‖²/c) and
    /// μ_j = v_j (m_j/s_j² + w_jᵀ(x − b)/c): still linear in x, so the linear encoder holds it exactly.
    /// </remarks>
    /// <param name="prior">The model's prior, a Gaussian N(m, diag s²) given by <paramref name="priorMean"/> and <paramref name="priorVariance"/>; null for N(0, I).</param>
    /// <param name="priorMean">m; null for 0.</param>
    /// <param name="priorVariance">s²; null for 1.</param>
    public static VariationalAutoencoder CreateWithExactPosterior(VaeLib.Latent.Prior? prior = null, double[]? priorMean = null, double[]? priorVariance = null)
    {
        VariationalAutoencoder model = Create(prior);
        var meanWeight = new double[LatentSize, DataSize];
        var meanBias = new double[LatentSize];
        var logVarianceBias = new double[LatentSize];
        for (int j = 0; j < LatentSize; j++)
        {
            double m = priorMean?[j] ?? 0;
            double s2 = priorVariance?[j] ?? 1;
            double variance = 1 / ((1 / s2) + (ColumnNormSquared(j) / NoiseVariance));
            meanBias[j] = variance * m / s2;
            for (int i = 0; i < DataSize; i++)
            {
                meanWeight[j, i] = variance * W[i, j] / NoiseVariance;
                meanBias[j] -= variance * W[i, j] * B[i] / NoiseVariance;
            }

            logVarianceBias[j] = Math.Log(variance);
        }

        using (no_grad())
        {
            foreach (var (name, parameter) in model.Latent.named_parameters())
            {
                bool mean = name.Contains("mean", StringComparison.OrdinalIgnoreCase);
                bool weight = name.EndsWith("weight", StringComparison.Ordinal);
                Tensor value = (mean, weight) switch
                {
                    (true, true) => tensor(meanWeight, ScalarType.Float32),
                    (true, false) => tensor(meanBias, ScalarType.Float32),
                    (false, true) => zeros(LatentSize, DataSize),
                    (false, false) => tensor(logVarianceBias, ScalarType.Float32),
                };
                parameter.copy_(value);
            }
        }

        return model;
    }

    public static double ColumnNormSquared(int column) => Enumerable.Range(0, DataSize).Sum(i => W[i, column] * W[i, column]);

    /// <summary>Draws x = Wz + b + √c·ε.</summary>
    public static Tensor SampleData(int count, Generator generator)
    {
        Tensor z = randn([count, LatentSize], generator: generator);
        Tensor noise = randn([count, DataSize], generator: generator) * Math.Sqrt(NoiseVariance);
        return (z.matmul(tensor(W, ScalarType.Float32).t()) + tensor(B, ScalarType.Float32) + noise).DetachFromDisposeScope().MoveToOuterDisposeScope();
    }

    /// <summary>The covariance of p(x), W diag(s²) Wᵀ + cI (s² = 1 for the standard normal prior).</summary>
    public static double[,] Covariance(double[]? priorVariance = null)
    {
        var covariance = new double[DataSize, DataSize];
        for (int i = 0; i < DataSize; i++)
        {
            for (int j = 0; j < DataSize; j++)
            {
                covariance[i, j] = Enumerable.Range(0, LatentSize).Sum(k => W[i, k] * W[j, k] * (priorVariance?[k] ?? 1)) + (i == j ? NoiseVariance : 0);
            }
        }

        return covariance;
    }

    /// <summary>log N(x; b + Wm, W diag(s²) Wᵀ + cI) by a Cholesky factorisation done here, in double precision (m = 0, s² = 1 by default).</summary>
    public static double[] ExactLogLikelihood(Tensor data, double[]? priorMean = null, double[]? priorVariance = null)
    {
        double[,] covariance = Covariance(priorVariance);
        double[] center = Enumerable.Range(0, DataSize).Select(i => B[i] + Enumerable.Range(0, LatentSize).Sum(k => W[i, k] * (priorMean?[k] ?? 0))).ToArray();
        var lower = new double[DataSize, DataSize];
        for (int i = 0; i < DataSize; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = covariance[i, j];
                for (int k = 0; k < j; k++)
                {
                    sum -= lower[i, k] * lower[j, k];
                }

                lower[i, j] = i == j ? Math.Sqrt(sum) : sum / lower[j, j];
            }
        }

        double logDeterminant = 2 * Enumerable.Range(0, DataSize).Sum(i => Math.Log(lower[i, i]));
        float[] values = data.data<float>().ToArray();
        int count = values.Length / DataSize;
        var result = new double[count];
        for (int n = 0; n < count; n++)
        {
            // Solve L y = x − b; the quadratic form is ‖y‖².
            var y = new double[DataSize];
            double quadratic = 0;
            for (int i = 0; i < DataSize; i++)
            {
                double sum = values[(n * DataSize) + i] - center[i];
                for (int k = 0; k < i; k++)
                {
                    sum -= lower[i, k] * y[k];
                }

                y[i] = sum / lower[i, i];
                quadratic += y[i] * y[i];
            }

            result[n] = -0.5 * ((DataSize * Math.Log(2 * Math.PI)) + logDeterminant + quadratic);
        }

        return result;
    }

    /// <summary>
    /// E[x_m | x_o] for a Gaussian N(b, Σ): b_m + Σ_mo Σ_oo⁻¹ (x_o − b_o), for one item whose entries marked false in
    /// <paramref name="observed"/> are missing. Solved by Gauss–Jordan elimination here, in double precision.
    /// </summary>
    public static double[] ConditionalMean(double[] x, bool[] observed)
    {
        double[,] covariance = Covariance();
        int[] o = Enumerable.Range(0, DataSize).Where(i => observed[i]).ToArray();
        int[] m = Enumerable.Range(0, DataSize).Where(i => !observed[i]).ToArray();
        // Solve Σ_oo a = (x_o − b_o).
        int n = o.Length;
        var augmented = new double[n, n + 1];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                augmented[r, c] = covariance[o[r], o[c]];
            }

            augmented[r, n] = x[o[r]] - B[o[r]];
        }

        for (int pivot = 0; pivot < n; pivot++)
        {
            for (int r = 0; r < n; r++)
            {
                if (r == pivot)
                {
                    continue;
                }

                double factor = augmented[r, pivot] / augmented[pivot, pivot];
                for (int c = pivot; c <= n; c++)
                {
                    augmented[r, c] -= factor * augmented[pivot, c];
                }
            }
        }

        double[] a = Enumerable.Range(0, n).Select(r => augmented[r, n] / augmented[r, r]).ToArray();
        var result = (double[])x.Clone();
        foreach (int i in m)
        {
            result[i] = B[i] + Enumerable.Range(0, n).Sum(r => covariance[i, o[r]] * a[r]);
        }

        return result;
    }
}
