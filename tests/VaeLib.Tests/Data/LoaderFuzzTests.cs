using System.Diagnostics;
using System.Globalization;
using System.Text;
using SkiaSharp;
using VaeLib.Data;

namespace VaeLib.Tests.Data;

/// <summary>
/// Fuzz tests of the CSV and image-folder loaders: every input, however damaged, must either load or end in a
/// <see cref="DataFormatException"/> whose message names the file; never another exception, a hang, or a huge allocation.
/// Inputs are made from seeded generators, so every run tries the same ones.
/// </summary>
public sealed class LoaderFuzzTests : IDisposable
{
    private const string ValidCsv =
        "x1,x2,\"x 3\",label\n" +
        "1.5,2,-3e2,cat\n" +
        "0.25,,4,dog\n" +
        "\n" +
        "\"7\",8.125,9,\"cat\"\n" +
        "-1,0,1e-3,bird\n";

    private readonly TempFolder folder = new("fuzz");

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Csv_truncated_at_every_byte_length_loads_or_is_refused_naming_the_file()
    {
        string path = folder.File("data.csv");
        byte[] valid = Encoding.UTF8.GetBytes(ValidCsv);
        var inputs = Enumerable.Range(0, valid.Length + 1).Select(length => ($"first {length} bytes", valid[..length])).ToList();

        FuzzOutcomes outcomes = TryAll(path, inputs, () => LoadCsv(path, new CsvOptions { LabelColumn = "label" }));

        // One input per length 0..N (N = 79 bytes): 80 inputs.
        outcomes.Total.Should().Be(valid.Length + 1).And.Be(80);
        outcomes.Refused.Should().BeGreaterThan(0, "an empty file or a header alone is refused");
        outcomes.Loaded.Should().BeGreaterThan(0, "a file cut after a whole row still loads");
    }

    [Fact]
    public void Csv_with_2000_random_byte_flips_loads_or_is_refused_naming_the_file()
    {
        string path = folder.File("data.csv");
        byte[] valid = Encoding.UTF8.GetBytes(ValidCsv);
        var random = new Random(500);
        var inputs = Enumerable.Range(0, 2000).Select(i =>
        {
            byte[] bytes = (byte[])valid.Clone();
            int position = random.Next(bytes.Length);
            bytes[position] ^= (byte)random.Next(1, 256);
            return ($"flip {i} at byte {position}", bytes);
        }).ToList();

        FuzzOutcomes outcomes = TryAll(path, inputs, () => LoadCsv(path, new CsvOptions { LabelColumn = "label" }));

        outcomes.Total.Should().Be(2000);
        outcomes.Refused.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Csv_of_200_random_byte_files_is_refused_or_loads_naming_the_file()
    {
        string path = folder.File("data.csv");
        var random = new Random(200);
        var inputs = Enumerable.Range(0, 200).Select(i =>
        {
            var bytes = new byte[random.Next(0, 400)];
            random.NextBytes(bytes);

            // Half of them use only characters that matter to CSV, so the parser goes deeper than the header.
            if (i % 2 == 1)
            {
                const string alphabet = "0123456789.,-+eE\"\n\r aNI";
                bytes = bytes.Select(b => (byte)alphabet[b % alphabet.Length]).ToArray();
            }

            return ($"random file {i} of {bytes.Length} bytes", bytes);
        }).ToList();

        FuzzOutcomes outcomes = TryAll(path, inputs, () => LoadCsv(path, null));

        outcomes.Total.Should().Be(200);
        outcomes.Refused.Should().BeGreaterThan(150);
    }

    [Theory]
    [InlineData("a,b,a\n1,2,3\n", "names column 'a' twice")]
    [InlineData(",b\n1,2\n", "header column 1 has no name")]
    [InlineData("a,,c\n1,2,3\n", "header column 2 has no name")]
    [InlineData("   \n1\n", "header column 1 has no name")]
    [InlineData("", "the file is empty")]
    [InlineData("\n\n\n", "the file is empty")]
    [InlineData("a,b\n", "header but no data rows")]
    [InlineData("a,b\n\n\n", "header but no data rows")]
    [InlineData("1,2\n3,4\n", "no header row")]
    [InlineData("a,b\n1,2,3\n", "row 2 has 3 cells; expected 2")]
    [InlineData("a,b\n1,2\n1\n", "row 3 has 1 cells; expected 2")]
    [InlineData("a,b\n1,\"2\n", "row 2 has a quote that is not closed")]
    [InlineData("a,b\n1,x\n", "row 2, column 'b': 'x' is not a finite number")]
    [InlineData("a,b\n1,1e400\n", "row 2, column 'b': '1e400' is not a finite number")]
    [InlineData("a,b\n1,-1e400\n", "'-1e400' is not a finite number")]
    [InlineData("a,b\n1,NaN\n", "'NaN' is not a finite number")]
    [InlineData("a,b\n1,Infinity\n", "'Infinity' is not a finite number")]
    [InlineData("a,b\n1,-Infinity\n", "'-Infinity' is not a finite number")]
    [InlineData("a,b\n1,∞\n", "'∞' is not a finite number")]
    [InlineData("a,b\n1,1e308\n2,1e308\n", "column 'b': the numbers are too large to standardize")]
    [InlineData("a,b\n1,1e300\n2,-1e300\n", "row 2, column 'b': 1E+300 is too large")]
    [InlineData("a,b\n1,2\n", "no label column 'label'; the columns are a, b", "label")]
    [InlineData("label\ncat\n", "no feature columns besides the label column", "label")]
    [InlineData("a,label\n1,\n", "row 2 has no label in column 'label'", "label")]
    public void Bad_headers_rows_and_numbers_are_refused_with_the_file_and_the_problem(string content, string problem, string? labelColumn = null)
    {
        string path = folder.File("data.csv");
        File.WriteAllText(path, content);

        FluentActions.Invoking(() => LoadCsv(path, new CsvOptions { LabelColumn = labelColumn }))
            .Should().Throw<DataFormatException>().Which.Message.Should().StartWith(path + ": ").And.Contain(problem);
    }

    [Fact]
    public void A_test_file_whose_columns_differ_from_the_standardization_or_overflow_it_is_refused()
    {
        string train = folder.File("train.csv");
        string test = folder.File("test.csv");
        File.WriteAllText(train, "a,b,label\n1,2,x\n3,5,y\n");
        CsvStandardization statistics;
        using (CsvDataset trained = CsvDataset.Load(train, new CsvOptions { LabelColumn = "label" }))
        {
            statistics = trained.Standardization;
        }

        var options = new CsvOptions { LabelColumn = "label", Standardization = statistics };
        (string Content, string Problem)[] cases =
        [
            ("b,a,label\n1,2,x\n", "its columns (b, a) differ from the standardization's (a, b)"),
            ("a,label\n1,x\n", "its columns (a) differ"),
            ("a,b,c,label\n1,2,3,x\n", "its columns (a, b, c) differ"),
            ("a,b\n1,2\n", "no label column 'label'"),
            ("a,b,label\n1,1e300,x\n", "row 2, column 'b': 1E+300 is too large"),
        ];

        foreach ((string content, string problem) in cases)
        {
            File.WriteAllText(test, content);
            FluentActions.Invoking(() => LoadCsv(test, options)).Should().Throw<DataFormatException>()
                .Which.Message.Should().StartWith(test + ": ").And.Contain(problem);
        }

        File.WriteAllText(test, "a,b,label\n10,20,x\n");
        LoadCsv(test, options);
    }

    [Fact]
    public void Png_and_jpeg_files_truncated_at_every_7th_byte_are_refused_naming_the_file()
    {
        string path = folder.File("images/x.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        byte[] png = Image(SKEncodedImageFormat.Png);
        byte[] jpeg = Image(SKEncodedImageFormat.Jpeg);
        var pngInputs = Enumerable.Range(0, (png.Length / 7) + 1).Select(i => ($"png cut to {i * 7} bytes", png[..(i * 7)])).ToList();
        var jpegInputs = Enumerable.Range(0, (jpeg.Length / 7) + 1).Select(i => ($"jpeg cut to {i * 7} bytes", jpeg[..(i * 7)])).ToList();
        string jpegPath = folder.File("jpegs/x.jpg");
        Directory.CreateDirectory(Path.GetDirectoryName(jpegPath)!);

        FuzzOutcomes pngOutcomes = TryAll(path, pngInputs, () => LoadImages(path));
        FuzzOutcomes jpegOutcomes = TryAll(jpegPath, jpegInputs, () => LoadImages(jpegPath));

        // PNG of 1 830 bytes → 262 cuts; JPEG of 864 bytes → 124 cuts: 386 inputs (sizes fixed by the seeded pixels).
        pngOutcomes.Total.Should().Be((png.Length / 7) + 1).And.Be(262);
        jpegOutcomes.Total.Should().Be((jpeg.Length / 7) + 1).And.Be(124);

        // A PNG loads only when the cut spares every pixel: it falls in the last 20 bytes (zlib's Adler-32, the
        // IDAT CRC and the IEND chunk), which the decoder does not need.
        pngOutcomes.LoadedNames.Select(name => int.Parse(name.Split(' ')[3], CultureInfo.InvariantCulture))
            .Should().OnlyContain(length => length >= png.Length - 20);
        jpegOutcomes.Refused.Should().BeGreaterThan(jpegOutcomes.Total / 2);
    }

    [Fact]
    public void Random_bytes_named_png_or_jpg_and_png_byte_flips_are_refused_naming_the_file()
    {
        var random = new Random(7);
        byte[] png = Image(SKEncodedImageFormat.Png);
        var inputs = new List<(string Name, string Extension, byte[] Bytes)>();
        for (int i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(0, 2000)];
            random.NextBytes(bytes);
            if (i % 4 == 0 && bytes.Length >= 8)
            {
                // A valid PNG signature, so the decoder reads on into the random chunks.
                png.AsSpan(0, 8).CopyTo(bytes);
            }

            inputs.Add(($"random {i} ({bytes.Length} bytes)", i % 2 == 0 ? ".png" : ".jpg", bytes));
        }

        for (int i = 0; i < 100; i++)
        {
            byte[] bytes = (byte[])png.Clone();
            int position = random.Next(bytes.Length);
            bytes[position] ^= (byte)random.Next(1, 256);
            inputs.Add(($"png flip {i} at byte {position}", ".png", bytes));
        }

        inputs.Add(("zero bytes", ".png", []));
        inputs.Add(("zero bytes", ".jpg", []));
        var outcomes = new FuzzOutcomes(0, 0, []);
        foreach (var group in inputs.GroupBy(input => input.Extension))
        {
            string path = folder.File($"images{group.Key}/x{group.Key}");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            FuzzOutcomes some = TryAll(path, group.Select(input => (input.Name, input.Bytes)).ToList(), () => LoadImages(path));
            outcomes = new FuzzOutcomes(outcomes.Loaded + some.Loaded, outcomes.Refused + some.Refused, [.. outcomes.LoadedNames, .. some.LoadedNames]);
        }

        // 200 random files (50 with a PNG signature), 100 single-byte flips of a PNG, 2 empty files: 302 inputs.
        outcomes.Total.Should().Be(302);
        outcomes.Refused.Should().BeGreaterThanOrEqualTo(202, "random bytes and empty files never decode");
    }

    [Theory]
    [InlineData(100_000, 100_000)]
    [InlineData(10_001, 10_000)]
    [InlineData(1_000_000, 1_000_000)]
    public void A_png_header_declaring_too_many_pixels_is_refused_before_decoding(int width, int height)
    {
        string path = folder.File("huge/x.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, PngHeader(width, height));
        var clock = Stopwatch.StartNew();

        // The pixel limit is checked on the header, before the bitmap is allocated: 100000×100000 RGBA would be 40 GB.
        FluentActions.Invoking(() => LoadImages(path)).Should().Throw<DataFormatException>().Which.Message.Should()
            .StartWith(path + ": ").And.Match("*declares*pixels*at most 100000000*");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void The_crafted_png_is_valid_so_a_small_one_loads_and_an_impossible_width_is_refused_by_the_decoder()
    {
        // The same crafting with a small size loads, which shows the large headers above were refused for their
        // size and not for a malformed chunk. A width beyond libpng's limit of 1 000 000 fails earlier, in the decoder.
        string path = folder.File("small/x.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, PngHeader(4, 16));
        LoadImages(path);

        File.WriteAllBytes(path, PngHeader(int.MaxValue, 1));
        FluentActions.Invoking(() => LoadImages(path)).Should().Throw<DataFormatException>().Which.Message.Should()
            .StartWith(path + ": ").And.Contain("cannot be decoded");
    }

    private static void LoadCsv(string path, CsvOptions? options)
    {
        using CsvDataset data = CsvDataset.Load(path, options);
        data.Count.Should().BePositive();
    }

    private static void LoadImages(string path)
    {
        using ImageDataset data = ImageFolderLoader.Load(Path.GetDirectoryName(path)!, new ImageFolderOptions { Width = 8, Height = 8 });
        data.Count.Should().Be(1);
    }

    /// <summary>Writes each input to the path and loads it: it must load, or throw a DataFormatException naming the path, within 5 s.</summary>
    private static FuzzOutcomes TryAll(string path, IReadOnlyList<(string Name, byte[] Bytes)> inputs, Action load) =>
        FuzzHarness.TryAll(
            inputs,
            input => input.Name,
            input => File.WriteAllBytes(path, input.Bytes),
            load,
            e => e is DataFormatException && e.Message.StartsWith(path + ": ", StringComparison.Ordinal));

    private static byte[] Image(SKEncodedImageFormat format)
    {
        var random = new Random(3);
        using var bitmap = new SKBitmap(new SKImageInfo(24, 20, SKColorType.Rgba8888, SKAlphaType.Premul));
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
            }
        }

        using SKImage image = SKImage.FromBitmap(bitmap);
        using SKData data = image.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>A PNG signature, an IHDR chunk for an 8-bit RGB image of the given size, a tiny IDAT and IEND, with correct CRCs.</summary>
    private static byte[] PngHeader(int width, int height)
    {
        var stream = new MemoryStream();
        stream.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // RGB
        Chunk(stream, "IHDR", header);
        // Image data for at most 16 rows of the declared width (all of a small image): filter byte 0, then zeros.
        var rows = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(rows, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(new byte[(1 + (3 * (long)Math.Min(width, 4096))) * Math.Min(height, 16)]);
        }

        Chunk(stream, "IDAT", rows.ToArray());
        Chunk(stream, "IEND", []);
        return stream.ToArray();
    }

    private static void Chunk(MemoryStream stream, string type, byte[] data)
    {
        var length = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        byte[] typed = [.. Encoding.ASCII.GetBytes(type), .. data];
        stream.Write(typed);
        var crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        stream.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
