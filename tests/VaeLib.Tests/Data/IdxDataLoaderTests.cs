using System.Buffers.Binary;
using VaeLib.Data;
using static TorchSharp.torch;

namespace VaeLib.Tests.Data;

public class IdxDataLoaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Loads_raw_and_gzipped_files_with_pixels_labels_and_digit_names(bool gzipped)
    {
        using var folder = new TempFolder("mnist");
        IdxFiles.WriteSet(folder.Path, gzipped);
        using var scope = NewDisposeScope();

        using DataSplits data = IdxDataLoader.Load(folder.Path);

        data.Train.Count.Should().Be(3);
        data.Test.Count.Should().Be(2);
        data.Train.ItemShape.Should().Equal(1, 4, 5);
        data.Train.Labels.Should().Equal(9, 0, 4);
        data.Test.Labels.Should().Equal(1, 2);
        data.Train.LabelNames.Should().Equal("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        float[] second = data.Train.GetBatch(tensor(new long[] { 1 })).data<float>().ToArray();
        second.Should().Equal(Enumerable.Range(0, 20).Select(i => (31f + i) / 255f), (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Train_and_test_images_of_different_sizes_are_a_data_fault_naming_the_folder()
    {
        using var folder = new TempFolder("mismatch");
        IdxFiles.WriteSet(folder.Path, gzipped: false);
        File.WriteAllBytes(folder.File("t10k-images-idx3-ubyte"), IdxFiles.Images(2, 6, 5));

        FluentActions.Invoking(() => IdxDataLoader.Load(folder.Path)).Should().Throw<DataFormatException>()
            .WithMessage($"{folder.Path}*t10k images are 1×6×5 but the train images are 1×4×5*");
    }

    [Fact]
    public void Gzip_is_detected_by_its_magic_bytes_not_the_name_and_fashion_folders_get_fashion_names()
    {
        using var folder = new TempFolder("Fashion-MNIST-copy");
        IdxFiles.WriteSet(folder.Path, gzipped: false);
        // A gzipped file without .gz and a raw file with .gz: both must load.
        File.WriteAllBytes(folder.File("train-images-idx3-ubyte"), IdxFiles.Gzip(IdxFiles.Images(3, 4, 5)));
        File.Move(folder.File("t10k-labels-idx1-ubyte"), folder.File("t10k-labels-idx1-ubyte.gz"));

        using DataSplits data = IdxDataLoader.Load(folder.Path);

        data.Train.Count.Should().Be(3);
        data.Test.Labels.Should().Equal(1, 2);
        data.Train.LabelNames.Should().HaveCount(10).And.StartWith("T-shirt/top").And.EndWith("Ankle boot");
    }

    [Fact]
    public void A_missing_file_names_the_folder_and_the_names_looked_for()
    {
        using var folder = new TempFolder();
        IdxFiles.WriteSet(folder.Path, gzipped: true);
        File.Delete(folder.File("t10k-labels-idx1-ubyte.gz"));

        FluentActions.Invoking(() => IdxDataLoader.Load(folder.Path)).Should().Throw<DataFormatException>()
            .Which.Message.Should().Contain(folder.Path).And.Contain("t10k-labels-idx1-ubyte and t10k-labels-idx1-ubyte.gz");
        FluentActions.Invoking(() => IdxDataLoader.Load(folder.File("absent"))).Should().Throw<DataFormatException>()
            .WithMessage("*absent: folder not found*");
    }

    [Fact]
    public void A_bad_magic_number_shows_the_expected_and_found_numbers_in_hex()
    {
        using var folder = new TempFolder();
        IdxFiles.WriteSet(folder.Path, gzipped: false);
        File.WriteAllBytes(folder.File("train-images-idx3-ubyte"), IdxFiles.Labels(1, 2, 3));
        File.WriteAllBytes(folder.File("t10k-labels-idx1-ubyte"), IdxFiles.Images(2, 4, 5, magic: 0x0BADF00D));

        FluentActions.Invoking(() => IdxDataLoader.Load(folder.Path)).Should().Throw<DataFormatException>()
            .WithMessage($"{folder.File("train-images-idx3-ubyte")}: bad magic number: expected 0x00000803*found 0x00000801 (that is the magic number of labels)*");
        FluentActions.Invoking(() => IdxDataLoader.LoadFiles(folder.File("t10k-images-idx3-ubyte"), folder.File("t10k-labels-idx1-ubyte"), IdxDataLoader.DigitLabelNames))
            .Should().Throw<DataFormatException>().WithMessage("*t10k-labels-idx1-ubyte: bad magic number: expected 0x00000801*found 0x0BADF00D*");
    }

    [Fact]
    public void Truncated_data_says_how_many_bytes_were_expected_and_found()
    {
        using var folder = new TempFolder();
        IdxFiles.WriteSet(folder.Path, gzipped: false);
        byte[] images = IdxFiles.Images(3, 4, 5);
        File.WriteAllBytes(folder.File("train-images-idx3-ubyte"), images[..^7]);

        FluentActions.Invoking(() => IdxDataLoader.Load(folder.Path)).Should().Throw<DataFormatException>()
            .WithMessage("*train-images-idx3-ubyte: truncated*60 data bytes*found 53*");

        File.WriteAllBytes(folder.File("train-images-idx3-ubyte"), IdxFiles.Gzip(images)[..^12]);
        FluentActions.Invoking(() => IdxDataLoader.Load(folder.Path)).Should().Throw<DataFormatException>()
            .WithMessage("*train-images-idx3-ubyte: *");
    }

    [Fact]
    public void Image_and_label_counts_that_disagree_are_named()
    {
        using var folder = new TempFolder();
        IdxFiles.WriteSet(folder.Path, gzipped: false);
        File.WriteAllBytes(folder.File("t10k-labels-idx1-ubyte"), IdxFiles.Labels(1, 2, 3));

        FluentActions.Invoking(() => IdxDataLoader.Load(folder.Path)).Should().Throw<DataFormatException>()
            .WithMessage("*t10k-labels-idx1-ubyte: has 3 labels but t10k-images-idx3-ubyte has 2 images*");
    }

    [Theory]
    [InlineData(0, 4, 5)]
    [InlineData(3, 0, 5)]
    [InlineData(3, 4, -1)]
    [InlineData(3, 100_000, 5)]
    public void Zero_negative_or_absurd_dimensions_are_rejected(int count, int rows, int columns)
    {
        using var folder = new TempFolder();
        IdxFiles.WriteSet(folder.Path, gzipped: false);
        byte[] images = IdxFiles.Images(3, 4, 5);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), columns);
        File.WriteAllBytes(folder.File("train-images-idx3-ubyte"), images);

        FluentActions.Invoking(() => IdxDataLoader.Load(folder.Path)).Should().Throw<DataFormatException>()
            .WithMessage($"*train-images-idx3-ubyte: the header declares {count} images of {rows}×{columns} pixels*");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_header_that_claims_gigabytes_fails_before_allocating_them(bool gzipped)
    {
        using var folder = new TempFolder();
        IdxFiles.WriteSet(folder.Path, gzipped: false);
        byte[] images = IdxFiles.Images(3, 4, 5);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), int.MaxValue);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), 4096);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), 4096);
        File.WriteAllBytes(folder.File("train-images-idx3-ubyte"), gzipped ? IdxFiles.Gzip(images) : images);
        long before = GC.GetTotalAllocatedBytes(precise: true);

        FluentActions.Invoking(() => IdxDataLoader.Load(folder.Path)).Should().Throw<DataFormatException>()
            .WithMessage("*train-images-idx3-ubyte: truncated or corrupt: the header declares 36028797002186752 data bytes*");
        (GC.GetTotalAllocatedBytes(precise: true) - before).Should().BeLessThan(10_000_000);
    }

    [Fact]
    public void A_label_outside_the_label_names_is_rejected()
    {
        using var folder = new TempFolder();
        IdxFiles.WriteSet(folder.Path, gzipped: false);
        File.WriteAllBytes(folder.File("train-labels-idx1-ubyte"), IdxFiles.Labels(1, 10, 3));

        FluentActions.Invoking(() => IdxDataLoader.Load(folder.Path)).Should().Throw<DataFormatException>()
            .WithMessage("*train-labels-idx1-ubyte: label 10 of item 1 is outside 0 to 9*");
    }

    [Theory]
    [InlineData(false, "images")]
    [InlineData(true, "images")]
    [InlineData(false, "labels")]
    [InlineData(true, "labels")]
    public void Every_truncation_of_a_valid_file_is_a_data_format_exception(bool gzipped, string which)
    {
        using var folder = new TempFolder();
        IdxFiles.WriteSet(folder.Path, gzipped: false);
        string name = which == "images" ? "train-images-idx3-ubyte" : "train-labels-idx1-ubyte";
        byte[] whole = File.ReadAllBytes(folder.File(name));
        if (gzipped)
        {
            whole = IdxFiles.Gzip(whole);
        }

        int cases = 0;
        for (int length = 0; length < whole.Length; length++)
        {
            File.WriteAllBytes(folder.File(name), whole[..length]);
            FluentActions.Invoking(() => IdxDataLoader.Load(folder.Path)).Should().Throw<DataFormatException>($"a cut at {length} of {whole.Length} bytes")
                .Which.Message.Should().StartWith(folder.File(name));
            cases++;
        }

        cases.Should().Be(whole.Length);
        File.WriteAllBytes(folder.File(name), whole);
        using DataSplits data = IdxDataLoader.Load(folder.Path);
        data.Train.Count.Should().Be(3, "the uncut file loads");
    }

    [Fact]
    public void Known_names_resolve_to_their_folder_and_a_missing_folder_names_the_package()
    {
        using var root = new TempFolder("datasets");

        FluentActions.Invoking(() => KnownDataSources.Resolve("fashion-mnist", root.Path)).Should().Throw<DataFormatException>()
            .WithMessage($"{root.File("fashion-mnist")}: folder not found. Install the Debian/Ubuntu package dataset-fashion-mnist (apt-get install dataset-fashion-mnist) or pass the folder*");
        FluentActions.Invoking(() => KnownDataSources.Resolve("cifar-11", root.Path)).Should().Throw<ArgumentException>()
            .WithMessage("*'cifar-11' is not a known data set; known: fashion-mnist*");

        Directory.CreateDirectory(root.File("fashion-mnist"));
        KnownDataSources.Resolve("Fashion-MNIST", root.Path).Should().Be(root.File("fashion-mnist"));
    }
}
