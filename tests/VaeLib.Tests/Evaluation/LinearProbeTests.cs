using VaeLib.Evaluation;
using static TorchSharp.torch;

namespace VaeLib.Tests.Evaluation;

public class LinearProbeTests
{
    [Fact]
    public void Linearly_separable_classes_are_told_apart_on_held_out_rows()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var (trainFeatures, trainLabels) = Blobs(600, generator);
        var (testFeatures, testLabels) = Blobs(300, generator);

        using LinearProbe probe = LinearProbe.Fit(trainFeatures, trainLabels, classCount: 3);

        probe.ClassCount.Should().Be(3);
        probe.Accuracy(testFeatures, testLabels).Should().BeGreaterThan(0.98);
        probe.Predict(testFeatures).Should().HaveCount(300);
    }

    [Fact]
    public void Labels_unrelated_to_the_features_give_chance_accuracy()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(4);
        Tensor train = randn([2000, 5], generator: generator);
        Tensor test = randn([2000, 5], generator: generator);
        int[] trainLabels = randint(0, 2, [2000], generator: generator).data<long>().ToArray().Select(label => (int)label).ToArray();
        int[] testLabels = randint(0, 2, [2000], generator: generator).data<long>().ToArray().Select(label => (int)label).ToArray();

        using LinearProbe probe = LinearProbe.Fit(train, trainLabels, classCount: 2);

        probe.Accuracy(test, testLabels).Should().BeInRange(0.45, 0.55);
    }

    [Fact]
    public void Mismatched_labels_and_features_are_refused()
    {
        using var features = zeros(3, 2);
        FluentActions.Invoking(() => LinearProbe.Fit(features, [0, 1], classCount: 2)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => LinearProbe.Fit(features, [0, 1, 2], classCount: 2)).Should().Throw<ArgumentException>().WithMessage("*[0, 2)*");
        using LinearProbe probe = LinearProbe.Fit(features, [0, 1, 1], classCount: 2);
        using var narrow = zeros(3, 1);
        FluentActions.Invoking(() => probe.Predict(narrow)).Should().Throw<ArgumentException>().WithMessage("*[N, 2]*");
    }

    /// <summary>Three Gaussian blobs far apart along different directions, in 4 dimensions, with a constant feature.</summary>
    private static (Tensor Features, int[] Labels) Blobs(int count, Generator generator)
    {
        int[] labels = Enumerable.Range(0, count).Select(i => i % 3).ToArray();
        Tensor centres = tensor(new float[,] { { 4, 0, 0, 1 }, { 0, 4, 0, 1 }, { 0, 0, 4, 1 } });
        Tensor noise = randn([count, 4], generator: generator) * tensor(new float[] { 1, 1, 1, 0 });
        return (centres[tensor(labels.Select(label => (long)label).ToArray())] + noise, labels);
    }
}
