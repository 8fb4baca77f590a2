using TorchSharp;
using VaeLib.Data;
using VaeLib.Evaluation;
using static TorchSharp.torch;

namespace VaeLib.Tests.Evaluation;

[Collection(GlobalRandomStateCollection.Name)]
public class AnomalyScorerTests
{
    [Fact]
    public void With_the_exact_posterior_both_scores_are_minus_log_p_x_and_rank_far_points_first()
    {
        using var scope = NewDisposeScope();
        using var model = LinearGaussianVae.CreateWithExactPosterior();
        using var generator = new Generator(2);
        Tensor typical = LinearGaussianVae.SampleData(300, generator);
        Tensor outliers = LinearGaussianVae.SampleData(20, generator).mul_(3); // far from b = the mean: low density
        Tensor all = cat([typical, outliers], 0);
        using var data = new TensorDataset(all);
        double[] exact = LinearGaussianVae.ExactLogLikelihood(all).Select(v => -v).ToArray();

        double[] iwae = new AnomalyScorer(model, new AnomalyScorerOptions { Kind = AnomalyScoreKind.NegativeImportanceWeighted, SampleCount = 1, BatchSize = 7 }).Score(data);
        double[] elbo = new AnomalyScorer(model, new AnomalyScorerOptions { SampleCount = 2000, BatchSize = 64 }).Score(data);

        iwae.Zip(exact, (s, e) => Math.Abs(s - e)).Max().Should().BeLessThan(2e-4, "every importance weight is p(x)");
        // −ELBO = −E_q log p(x|z) + KL; with q exact it equals −log p(x), up to the Monte Carlo error of 2000 samples.
        elbo.Zip(exact, (s, e) => Math.Abs(s - e)).Average().Should().BeLessThan(0.05);
        bool[] isOutlier = Enumerable.Range(0, 320).Select(i => i >= 300).ToArray();
        RocAuc.Compute(iwae, isOutlier).Should().Be(RocAuc.Compute(exact, isOutlier)).And.BeGreaterThan(0.9);
    }

    [Fact]
    public void The_same_seed_gives_the_same_scores_whatever_the_batch_size()
    {
        using var scope = NewDisposeScope();
        manual_seed(6);
        using var model = VariationalAutoencoder.CreateMlp([1, 8, 8], latentSize: 3, hiddenSizes: [16]);
        using var data = new TensorDataset(rand(50, 1, 8, 8));
        var options = new AnomalyScorerOptions { Kind = AnomalyScoreKind.NegativeImportanceWeighted, SampleCount = 8, BatchSize = 50 };

        double[] first = new AnomalyScorer(model, options).Score(data);
        double[] again = new AnomalyScorer(model, options).Score(data);
        double[] otherSeed = new AnomalyScorer(model, options with { Seed = 2 }).Score(data);

        again.Should().Equal(first);
        otherSeed.Should().NotEqual(first);
        first.Should().OnlyContain(score => double.IsFinite(score) && score > 0);
    }

    [Fact]
    public void Relative_to_the_perfect_fit_the_score_drops_by_the_bernoulli_entropy_of_each_item()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var model = VariationalAutoencoder.CreateMlp([4], latentSize: 2, hiddenSizes: [8]);
        using var data = new TensorDataset(tensor(new float[,] { { 0, 1, 0.5f, 0.25f }, { 0, 1, 1, 0 } }));
        var options = new AnomalyScorerOptions { SampleCount = 4 };

        double[] plain = new AnomalyScorer(model, options).Score(data);
        double[] relative = new AnomalyScorer(model, options with { RelativeToPerfectFit = true }).Score(data);

        // By hand: H(0) = H(1) = 0, H(½) = ln 2, H(¼) = −¼ ln ¼ − ¾ ln ¾.
        double entropy = Math.Log(2) - (0.25 * Math.Log(0.25)) - (0.75 * Math.Log(0.75));
        (plain[0] - relative[0]).Should().BeApproximately(entropy, 1e-5);
        (plain[1] - relative[1]).Should().BeApproximately(0, 1e-6, "black and white pixels can be fitted exactly");
    }

    [Fact]
    public void A_data_set_of_another_shape_or_with_nan_is_refused_naming_the_item()
    {
        using var scope = NewDisposeScope();
        using var model = VariationalAutoencoder.CreateMlp([4], latentSize: 2, hiddenSizes: [8]);
        using var wrongShape = new TensorDataset(rand(5, 3));
        Tensor values = rand(10, 4);
        values[7, 2] = tensor(float.NaN);
        using var withNan = new TensorDataset(values);
        var scorer = new AnomalyScorer(model, new AnomalyScorerOptions { BatchSize = 4 });

        FluentActions.Invoking(() => scorer.Score(wrongShape)).Should().Throw<ArgumentException>().WithMessage("*shape [3]*expects [4]*");
        FluentActions.Invoking(() => scorer.Score(withNan)).Should().Throw<ArgumentException>().WithMessage("Batch starting at item 4*Item 3 *NaN*");
    }

    [Fact]
    public void Options_out_of_range_are_refused()
    {
        FluentActions.Invoking(() => new AnomalyScorerOptions { SampleCount = 0 }).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new AnomalyScorerOptions { BatchSize = -1 }).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new AnomalyScorerOptions { Kind = (AnomalyScoreKind)9 }).Should().Throw<ArgumentOutOfRangeException>();
    }
}
