namespace VaeLib.Evaluation;

/// <summary>
/// The area under the ROC curve of a score that should be higher for positives (e.g. anomalies): the probability
/// that a random positive scores above a random negative, ties counting one half.
/// </summary>
/// <remarks>
/// Computed exactly by the Mann–Whitney rank statistic: with midranks r_i over all n items (tied scores share the
/// mean of their ranks), AUC = (Σ_{i positive} r_i − n₊(n₊ + 1)/2) / (n₊ n₋). 1 is a perfect ranking, 0.5 is chance
/// (and what equal scores give), 0 is a perfectly reversed ranking.
/// </remarks>
public static class RocAuc
{
    /// <summary>Computes the area.</summary>
    /// <param name="scores">One finite score per item.</param>
    /// <param name="isPositive">Whether each item is a positive, in the same order.</param>
    /// <returns>The area, in [0, 1].</returns>
    /// <exception cref="ArgumentException">The lists differ in length, a score is not finite, or there is no positive or no negative item.</exception>
    public static double Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> isPositive)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(isPositive);
        if (scores.Count != isPositive.Count)
        {
            throw new ArgumentException($"There are {scores.Count} scores but {isPositive.Count} labels; they must match one for one.", nameof(isPositive));
        }

        int bad = scores.ToList().FindIndex(score => !double.IsFinite(score));
        if (bad >= 0)
        {
            throw new ArgumentException($"Score {bad} is {scores[bad]}; every score must be a finite number.", nameof(scores));
        }

        long positives = isPositive.LongCount(positive => positive);
        long negatives = isPositive.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException(
                $"The ROC AUC needs both classes; found {positives} positive and {negatives} negative items.", nameof(isPositive));
        }

        int[] order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double positiveRankSum = 0;
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]])
            {
                end++;
            }

            // Ranks start + 1 … end + 1 are tied: each gets their mean.
            double midrank = ((start + end) / 2.0) + 1;
            for (int k = start; k <= end; k++)
            {
                positiveRankSum += isPositive[order[k]] ? midrank : 0;
            }

            start = end + 1;
        }

        return (positiveRankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }
}
