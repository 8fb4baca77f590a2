using System.Diagnostics;
using System.Globalization;
using VaeLib.Storage;

namespace VaeLib.Tests.Storage;

/// <summary>
/// Records a folder as a kill -9 at each step of a durable write would leave it: a copy of its files after every
/// step, and, after each file is written, a copy with that file cut in half (killed in the middle of the write).
/// </summary>
internal sealed class KillPointRecorder(string folder) : IStorageObserver
{
    /// <summary>The states, each with a name saying where the writer was killed.</summary>
    public List<(string Where, Dictionary<string, byte[]> Files)> States { get; } = [];

    /// <inheritdoc/>
    public void After(StorageStep step, string path)
    {
        Dictionary<string, byte[]> files = Capture(folder);
        string name = Path.GetFileName(path);
        if (step == StorageStep.Written && files.TryGetValue(name, out byte[]? content))
        {
            States.Add(($"during the write of {name}", new Dictionary<string, byte[]>(files) { [name] = content[..(content.Length / 2)] }));
        }

        States.Add(($"after {step} of {name}", files));
    }

    /// <summary>The files of a folder (not its sub-folders) by name.</summary>
    public static Dictionary<string, byte[]> Capture(string folder) =>
        Directory.GetFiles(folder).ToDictionary(path => Path.GetFileName(path), File.ReadAllBytes, StringComparer.Ordinal);

    /// <summary>
    /// Writes a recorded state into an empty folder as the killed process left it: temporaries named with this test
    /// process's id are renamed to carry the id of a process that has exited, as a killed writer's would.
    /// </summary>
    public static void Restore(Dictionary<string, byte[]> files, string target)
    {
        Directory.CreateDirectory(target);
        string ours = $".{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-";
        string dead = $".{ExitedProcessId.Value.ToString(CultureInfo.InvariantCulture)}-";
        foreach ((string name, byte[] content) in files)
        {
            File.WriteAllBytes(Path.Combine(target, name.Replace(ours, dead, StringComparison.Ordinal)), content);
        }
    }

    private static readonly Lazy<int> ExitedProcessId = new(() =>
    {
        using Process process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    });
}

/// <summary>Fails a durable write at its n-th step (counted from 0) with the error of a full disk, as if that step or the next write ran out of space.</summary>
internal sealed class FailingAtStep(int failingStep) : IStorageObserver
{
    private int step;

    /// <summary>The steps seen, failing one included.</summary>
    public List<StorageStep> Seen { get; } = [];

    /// <inheritdoc/>
    public void After(StorageStep kind, string path)
    {
        Seen.Add(kind);
        if (step++ == failingStep)
        {
            throw new IOException($"No space left on device : '{path}'", 28);
        }
    }
}
