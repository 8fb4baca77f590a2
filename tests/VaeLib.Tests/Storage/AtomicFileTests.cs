using VaeLib.Storage;

namespace VaeLib.Tests.Storage;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("vaelib-atomic-").FullName;

    [Fact]
    public void A_write_interrupted_before_it_completes_leaves_the_previous_file_intact()
    {
        string path = Path.Combine(folder, "model.json");
        File.WriteAllText(path, "previous");

        Action interrupted = () => AtomicFile.Write(path, temporary =>
        {
            File.WriteAllText(temporary, "half of the new con");
            throw new IOException("disk full");
        });

        interrupted.Should().Throw<IOException>();
        File.ReadAllText(path).Should().Be("previous");
        Directory.GetFiles(folder).Should().ContainSingle("the temporary file is removed");
    }

    [Fact]
    public void A_completed_write_replaces_the_file()
    {
        string path = Path.Combine(folder, "sub", "weights.bin");

        AtomicFile.Write(path, temporary => File.WriteAllText(temporary, "first"));
        AtomicFile.Write(path, temporary => File.WriteAllText(temporary, "second"));

        File.ReadAllText(path).Should().Be("second");
        Directory.GetFiles(Path.GetDirectoryName(path)!).Should().ContainSingle();
    }

    [Fact]
    public void The_next_write_deletes_temporaries_left_by_killed_writers_and_by_earlier_versions_but_not_a_running_writers()
    {
        string path = Path.Combine(folder, "weights.bin");
        using System.Diagnostics.Process exited = System.Diagnostics.Process.Start("true")!;
        exited.WaitForExit();
        string killed = $"{path}.{exited.Id}-{Guid.NewGuid():N}.tmp.bin";
        string legacy = $"{path}.{Guid.NewGuid():N}.tmp.bin";
        string running = $"{path}.{Environment.ProcessId}-{Guid.NewGuid():N}.tmp.bin";
        string otherFile = Path.Combine(folder, $"model.json.{exited.Id}-{Guid.NewGuid():N}.tmp.json");
        string userFile = Path.Combine(folder, "weights.bin.backup.tmp.bin");
        foreach (string file in new[] { killed, legacy, running, otherFile, userFile })
        {
            File.WriteAllText(file, "left over");
        }

        AtomicFile.Write(path, temporary => File.WriteAllText(temporary, "new"));

        File.Exists(killed).Should().BeFalse("its writer has exited");
        File.Exists(legacy).Should().BeFalse("earlier versions never cleaned up after a kill");
        File.Exists(running).Should().BeTrue("its writer (this process) may still be writing it");
        File.Exists(otherFile).Should().BeTrue("it belongs to another file, whose next write cleans it");
        File.Exists(userFile).Should().BeTrue("it is not named as VaeLib names its temporaries");
        File.ReadAllText(path).Should().Be("new");
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
