using VaeLib.Storage;
using VaeLib.Training;

namespace VaeLib.Cli.Reporting;

/// <summary>The run folder's plots (ScottPlot).</summary>
internal static class Charts
{
    public static void SaveLoss(IReadOnlyList<EpochReport> epochs, string path)
    {
        var plot = new ScottPlot.Plot();
        double[] x = epochs.Select(report => (double)report.Epoch).ToArray();
        var train = plot.Add.Scatter(x, epochs.Select(report => report.TrainLoss).ToArray());
        train.LegendText = "train";
        if (epochs.All(report => report.Validation is not null))
        {
            var test = plot.Add.Scatter(x, epochs.Select(report => report.Validation!.Loss).ToArray());
            test.LegendText = "test";
        }

        plot.Title("Negative ELBO per example");
        plot.XLabel("epoch");
        plot.YLabel("nats");
        plot.ShowLegend();
        AtomicFile.Write(path, temporary => plot.SavePng(temporary, 720, 480));
    }

    /// <summary>A scatter of 2-D points, one colour per label, titled "<paramref name="subject"/> (<paramref name="axes"/>)".</summary>
    public static void SaveLatent(float[] xs, float[] ys, IReadOnlyList<int> labels, IReadOnlyList<string> labelNames, string axes, string path, string subject = "Test-set μ")
    {
        var plot = new ScottPlot.Plot();
        for (int label = 0; label < labelNames.Count; label++)
        {
            int[] members = Enumerable.Range(0, xs.Length).Where(i => labels[i] == label).ToArray();
            if (members.Length == 0)
            {
                continue;
            }

            var points = plot.Add.ScatterPoints(members.Select(i => (double)xs[i]).ToArray(), members.Select(i => (double)ys[i]).ToArray());
            points.LegendText = labelNames[label];
            points.MarkerSize = 4;
        }

        plot.Title($"{subject} ({axes})");
        plot.ShowLegend(ScottPlot.Edge.Right);
        AtomicFile.Write(path, temporary => plot.SavePng(temporary, 900, 640));
    }
}
