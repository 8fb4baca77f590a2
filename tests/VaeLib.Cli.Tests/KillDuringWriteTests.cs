using System.Globalization;
using VaeLib.Persistence;

namespace VaeLib.Cli.Tests;

/// <summary>
/// The reproduction of the issue, with a real kill -9: strace kills <c>vae train --resume</c> at its n-th rename,
/// for every n up to the renames the run makes; each time the run folder still loads, and the next resume completes
/// and leaves no stale file. Needs strace (installed by .ci/run; <c>apt-get install strace</c>).
/// </summary>
public sealed class KillDuringWriteTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("vae-kill-").FullName;

    [Fact]
    public void A_resumed_run_killed_at_each_rename_keeps_a_loadable_model_and_checkpoint()
    {
        File.Exists("/usr/bin/strace").Should().BeTrue("this test kills the writer with strace (apt-get install strace)");
        string csv = Path.Combine(folder, "table.csv");
        File.WriteAllLines(csv, ["a,b,c,d", .. Enumerable.Range(0, 120).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i % 7},{i % 5 * 0.5},{Math.Sin(i)},{i % 3}"))]);
        string finished = Path.Combine(folder, "finished");
        var first = VaeProcess.Run("train", "--data", csv, "--epochs", "1", "--hidden", "8", "--latent", "2", "--device", "cpu", "--quiet", "--out", finished);
        first.ExitCode.Should().Be(0, first.Error);

        int killed = 0;
        for (int rename = 1; rename <= 40; rename++)
        {
            string run = Path.Combine(folder, $"kill-{rename}");
            CopyFolder(finished, run);
            int exitCode = RunKilledAtRename(rename, "train", "--resume", run, "--epochs", "2", "--quiet");
            if (exitCode == 0)
            {
                break; // The run made fewer renames than this: every rename was covered.
            }

            killed++;
            using (SavedModel model = SavedModel.Load(run))
            {
                model.Architecture.LatentSize.Should().Be(2, $"killed at rename {rename}");
            }

            var resumed = VaeProcess.Run("train", "--resume", run, "--epochs", "3", "--quiet");
            resumed.ExitCode.Should().Be(0, $"the resume after a kill at rename {rename} must work: {resumed.Error}");
            using (SavedModel model = SavedModel.Load(run))
            {
                model.Architecture.LatentSize.Should().Be(2);
            }

            Directory.EnumerateFiles(run, "*", SearchOption.AllDirectories).Select(Path.GetFileName)
                .Should().NotContain(name => name!.Contains(".tmp", StringComparison.Ordinal) || name.EndsWith(".pending", StringComparison.Ordinal), $"a kill at rename {rename} leaves nothing stale after the next run");
        }

        killed.Should().BeGreaterThan(5, "the resumed run renames the checkpoint's and the model's files");
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static int RunKilledAtRename(int rename, params string[] arguments) =>
        VaeProcess.RunUnder(["strace", "-f", "-o", "/dev/null", "-e", "trace=rename,renameat,renameat2", "-e", $"inject=rename,renameat,renameat2:signal=SIGKILL:when={rename}"], arguments).ExitCode;

    private static void CopyFolder(string source, string target)
    {
        foreach (string path in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string destination = Path.Combine(target, Path.GetRelativePath(source, path));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(path, destination);
        }
    }
}
