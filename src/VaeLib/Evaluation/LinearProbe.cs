using static TorchSharp.torch;

namespace VaeLib.Evaluation;

/// <summary>
/// A linear probe: multinomial logistic regression from features (e.g. a VAE's μ) to class labels. Its test accuracy
/// measures how much of the class a representation makes linearly available, the usual yardstick of a representation.
/// </summary>
/// <remarks>
/// Features are standardized with the training rows' mean and standard deviation; the weights start at zero and are
/// fitted by full-batch Adam on the mean cross-entropy plus an L2 penalty, so the same data give the same probe.
/// </remarks>
public sealed class LinearProbe : IDisposable
{
    private readonly Tensor mean;
    private readonly Tensor scale;
    private readonly Tensor weight;
    private readonly Tensor bias;

    private LinearProbe(Tensor mean, Tensor scale, Tensor weight, Tensor bias)
    {
        this.mean = mean;
        this.scale = scale;
        this.weight = weight;
        this.bias = bias;
    }

    /// <summary>Number of classes.</summary>
    public int ClassCount => (int)bias.size(0);

    /// <summary>Fits the probe.</summary>
    /// <param name="features">Training features <c>[N, F]</c>.</param>
    /// <param name="labels">One class index per row, each in [0, <paramref name="classCount"/>).</param>
    /// <param name="classCount">Number of classes, at least 2.</param>
    /// <param name="steps">Full-batch optimizer steps.</param>
    /// <param name="weightDecay">L2 penalty on the weights (of standardized features).</param>
    /// <returns>The fitted probe; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">The labels do not match the rows, or one is out of range.</exception>
    public static LinearProbe Fit(Tensor features, IReadOnlyList<int> labels, int classCount, int steps = 300, double weightDecay = 1e-4)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        OptionChecks.FiniteNonNegative(weightDecay, nameof(weightDecay), "The weight decay");
        using var scope = NewDisposeScope();
        Tensor targets = Targets(features, labels, classCount);
        Tensor rows = features.cpu().to_type(ScalarType.Float32);
        Tensor mean = rows.mean([0]);
        Tensor scale = rows.std(0L, unbiased: false).clamp_min(1e-6);
        Tensor standardized = (rows - mean) / scale;
        var weight = nn.Parameter(zeros([rows.size(1), classCount]));
        var bias = nn.Parameter(zeros([classCount]));
        using (var optimizer = optim.Adam([weight, bias], lr: 0.05))
        {
            for (int step = 0; step < steps; step++)
            {
                using var stepScope = NewDisposeScope();
                optimizer.zero_grad();
                Tensor loss = nn.functional.cross_entropy(standardized.matmul(weight).add(bias), targets).add(weight.square().sum().mul(weightDecay));
                loss.backward();
                optimizer.step();
            }
        }

        return new LinearProbe(
            mean.DetachFromDisposeScope(),
            scale.DetachFromDisposeScope(),
            weight.detach().DetachFromDisposeScope(),
            bias.detach().DetachFromDisposeScope());
    }

    /// <summary>The most probable class of each row.</summary>
    /// <param name="features">Features <c>[N, F]</c> as wide as the training features.</param>
    /// <returns>One class index per row.</returns>
    public int[] Predict(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() != 2 || features.size(1) != weight.size(0))
        {
            throw new ArgumentException($"Expected features [N, {weight.size(0)}]; found {Shapes.Format(Shapes.Of(features))}.", nameof(features));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor standardized = (features.cpu().to_type(ScalarType.Float32) - mean) / scale;
        return standardized.matmul(weight).add(bias).argmax(1).to_type(ScalarType.Int32).data<int>().ToArray();
    }

    /// <summary>The fraction of rows whose predicted class is their label.</summary>
    /// <param name="features">Features <c>[N, F]</c>.</param>
    /// <param name="labels">One class index per row.</param>
    /// <returns>Accuracy in [0, 1].</returns>
    public double Accuracy(Tensor features, IReadOnlyList<int> labels)
    {
        using var scope = NewDisposeScope();
        Targets(features, labels, ClassCount);
        int[] predicted = Predict(features);
        return predicted.Where((label, i) => label == labels[i]).Count() / (double)predicted.Length;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        mean.Dispose();
        scale.Dispose();
        weight.Dispose();
        bias.Dispose();
    }

    private static Tensor Targets(Tensor features, IReadOnlyList<int> labels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        if (features.dim() != 2 || features.size(0) != labels.Count || labels.Count == 0)
        {
            throw new ArgumentException($"Expected features [N, F] with one label per row; found {Shapes.Format(Shapes.Of(features))} and {labels.Count} labels.", nameof(labels));
        }

        if (labels.Any(label => label < 0 || label >= classCount))
        {
            throw new ArgumentException($"Every label must be a class index in [0, {classCount}).", nameof(labels));
        }

        return tensor(labels.Select(label => (long)label).ToArray());
    }
}
