using VaeLib.Evaluation;

namespace VaeLib.Tests.Evaluation;

public class RocAucTests
{
    [Fact]
    public void Counts_the_pairs_a_positive_wins_by_hand()
    {
        // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 0.35 beats one of two, 0.8 beats both: 3 of 4 pairs.
        RocAuc.Compute([0.1, 0.4, 0.35, 0.8], [false, false, true, true]).Should().Be(0.75);
    }

    [Fact]
    public void A_tie_between_a_positive_and_a_negative_counts_one_half()
    {
        // Positives {2, 3} against negatives {1, 2}: 2>1, 2=2 (½), 3>1, 3>2: 3.5 of 4 pairs.
        RocAuc.Compute([1, 2, 2, 3], [false, true, false, true]).Should().Be(0.875);
    }

    [Fact]
    public void Equal_scores_give_one_half_a_perfect_ranking_one_and_a_reversed_ranking_zero()
    {
        RocAuc.Compute([5, 5, 5, 5, 5], [true, false, false, true, false]).Should().Be(0.5);
        RocAuc.Compute([0.1, 0.2, 0.9, 0.95], [false, false, true, true]).Should().Be(1);
        RocAuc.Compute([0.9, 0.95, 0.1, 0.2], [false, false, true, true]).Should().Be(0);
    }

    [Fact]
    public void Matches_the_pair_count_on_random_scores_with_many_ties()
    {
        var random = new Random(3);
        double[] scores = Enumerable.Range(0, 300).Select(_ => (double)random.Next(20)).ToArray();
        bool[] positive = Enumerable.Range(0, 300).Select(_ => random.NextDouble() < 0.3).ToArray();
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            for (int j = 0; j < scores.Length; j++)
            {
                if (positive[i] && !positive[j])
                {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }

        RocAuc.Compute(scores, positive).Should().BeApproximately(wins / pairs, 1e-12);
    }

    [Fact]
    public void One_empty_class_mismatched_lengths_and_nan_scores_are_refused()
    {
        FluentActions.Invoking(() => RocAuc.Compute([1, 2], [true, true])).Should().Throw<ArgumentException>()
            .WithMessage("*both classes*2 positive and 0 negative*");
        FluentActions.Invoking(() => RocAuc.Compute([1, 2], [false, false])).Should().Throw<ArgumentException>()
            .WithMessage("*0 positive and 2 negative*");
        FluentActions.Invoking(() => RocAuc.Compute([1, 2, 3], [true, false])).Should().Throw<ArgumentException>()
            .WithMessage("*3 scores but 2 labels*");
        FluentActions.Invoking(() => RocAuc.Compute([1, double.NaN], [true, false])).Should().Throw<ArgumentException>()
            .WithMessage("Score 1 is NaN*");
    }
}
