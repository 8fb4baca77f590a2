using Spectre.Console;
using VaeLib.Training;

namespace VaeLib.Cli.Reporting;

/// <summary>
/// Shows training progress: a live bar per epoch on a terminal, one plain line per epoch when output is
/// redirected, nothing with <c>--quiet</c>.
/// </summary>
internal sealed class TrainingConsole(bool quiet)
{
    private readonly bool interactive = !quiet && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public void Line(string text)
    {
        if (!quiet)
        {
            Console.WriteLine(text);
        }
    }

    /// <summary>Runs <paramref name="train"/> with progress receivers suited to the output.</summary>
    public TrainingHistory Run(Func<IProgress<EpochReport>, IProgress<BatchProgress>?, TrainingHistory> train, Action<EpochReport> onEpoch)
    {
        if (!interactive)
        {
            return train(new Reporter<EpochReport>(report =>
            {
                onEpoch(report);
                Line(Describe(report));
            }), null);
        }

        TrainingHistory? history = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask? task = null;
                var batches = new Reporter<BatchProgress>(batch =>
                {
                    task ??= context.AddTask($"epoch {batch.Epoch}", maxValue: batch.Batches);
                    task.Value = batch.Batch;
                });
                var epochs = new Reporter<EpochReport>(report =>
                {
                    onEpoch(report);
                    if (task is not null)
                    {
                        task.Description = Markup.Escape(Describe(report));
                        task.StopTask();
                    }

                    task = null;
                });
                history = train(epochs, batches);
            });
        return history!;
    }

    private static string Describe(EpochReport report)
    {
        string test = report.Validation is null ? string.Empty : $"  test {report.Validation.Loss:F2}";
        return $"epoch {report.Epoch}/{report.Epochs}  train {report.TrainLoss:F2} (recon {report.TrainReconstruction:F2} + KL {report.TrainKl:F2}){test}  {report.Seconds:F1} s  {report.SamplesPerSecond:F0}/s";
    }

    private sealed class Reporter<T>(Action<T> action) : IProgress<T>
    {
        public void Report(T value) => action(value);
    }
}
