namespace VaeLib.Tests;

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

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
