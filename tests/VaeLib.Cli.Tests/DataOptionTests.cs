using System.Buffers.Binary;
using System.IO.Compression;

namespace VaeLib.Cli.Tests;

public sealed class DataOptionTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("vae-idx-").FullName;

    [Fact]
    public void Trains_on_a_folder_of_gzipped_idx_files_and_draws_a_labelled_latent_map()
    {
        WriteIdxSet(train: 256, test: 64);
        string run = Path.Combine(folder, "run");

        var result = VaeProcess.Run("train", "--data", folder, "--epochs", "1", "--hidden", "32", "--latent", "3", "--out", run, "--device", "cpu", "--binarize", "static");

        result.ExitCode.Should().Be(0, result.Error);
        result.Output.Should().Contain("256 training and 64 test items of 1x8x8");
        File.Exists(Path.Combine(run, "latent.png")).Should().BeTrue();
        File.ReadAllText(Path.Combine(run, "model.json")).Should().Contain("static");
    }

    [Fact]
    public void A_corrupt_idx_file_exits_1_naming_the_file()
    {
        WriteIdxSet(train: 16, test: 8);
        string images = Path.Combine(folder, "train-images-idx3-ubyte.gz");
        File.WriteAllBytes(images, File.ReadAllBytes(images)[..20]);

        var result = VaeProcess.Run("train", "--data", folder, "--epochs", "1");

        result.ExitCode.Should().Be(1);
        result.Error.Should().Contain("train-images-idx3-ubyte.gz");
    }

    [Fact]
    public void A_missing_source_exits_1_and_says_what_is_accepted()
    {
        var result = VaeProcess.Run("train", "--data", Path.Combine(folder, "nowhere"), "--epochs", "1");

        result.ExitCode.Should().Be(1);
        result.Error.Should().Contain("nowhere").And.Contain("sprites").And.Contain("fashion-mnist");
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private void WriteIdxSet(int train, int test)
    {
        var random = new Random(3);
        foreach ((string prefix, int count) in new[] { ("train", train), ("t10k", test) })
        {
            var labels = new byte[count];
            var pixels = new byte[count * 64];
            for (int i = 0; i < count; i++)
            {
                labels[i] = (byte)(i % 2);
                for (int p = 0; p < 64; p++)
                {
                    // Class 0 is bright on the left half, class 1 on the right.
                    bool bright = (p % 8 < 4) == (labels[i] == 0);
                    pixels[(i * 64) + p] = (byte)(bright ? 200 + random.Next(56) : random.Next(40));
                }
            }

            WriteGzip(Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz"), Header(0x803, count, 8, 8), pixels);
            WriteGzip(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte.gz"), Header(0x801, count), labels);
        }
    }

    private static byte[] Header(params int[] values)
    {
        var header = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(i * 4), values[i]);
        }

        return header;
    }

    private static void WriteGzip(string path, byte[] header, byte[] payload)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(header);
        gzip.Write(payload);
    }
}
