using SkiaSharp;
using VaeLib.Data;
using static TorchSharp.torch;

namespace VaeLib.Tests.Data;

public class ImageFolderLoaderTests
{
    private static void WriteImage(string path, SKColor color, int width = 10, int height = 6, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color);
        using SKImage image = SKImage.FromBitmap(bitmap);
        using SKData data = image.Encode(format, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    [Fact]
    public async Task Links_to_folders_are_not_followed_so_a_loop_ends_and_nothing_loads_twice()
    {
        using var folder = new TempFolder("links");
        WriteImage(folder.File("red/1.png"), new SKColor(255, 0, 0));
        WriteImage(folder.File("blue/1.png"), new SKColor(0, 0, 255));
        Directory.CreateSymbolicLink(folder.File("red/loop"), folder.Path);      // a cycle back to the root
        Directory.CreateSymbolicLink(folder.File("again"), folder.File("red"));  // a second name for a class
        File.CreateSymbolicLink(folder.File("blue/2.png"), folder.File("red/1.png")); // a link to a file is read

        Task<ImageDataset> load = Task.Run(() => ImageFolderLoader.Load(folder.Path, new ImageFolderOptions { Width = 4, Height = 4 }));

        (await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(20)))).Should().BeSameAs(load, "a cycle of links must not make loading endless");
        using ImageDataset images = await load;
        images.LabelNames.Should().Equal("blue", "red");
        images.Labels.Should().Equal(0, 0, 1);
    }

    [Fact]
    public void Sub_folders_are_sorted_labels_and_images_are_resized_to_grayscale_or_rgb()
    {
        using var folder = new TempFolder("shapes");
        WriteImage(folder.File("red/1.png"), new SKColor(255, 0, 0));
        WriteImage(folder.File("red/deeper/2.PNG"), new SKColor(255, 0, 0), 3, 17);
        WriteImage(folder.File("Blue/1.jpg"), new SKColor(0, 0, 255), format: SKEncodedImageFormat.Jpeg);
        File.WriteAllText(folder.File("red/notes.txt"), "not an image");
        Directory.CreateDirectory(folder.File("empty"));
        using var scope = NewDisposeScope();

        using ImageDataset gray = ImageFolderLoader.Load(folder.Path, new ImageFolderOptions { Width = 4, Height = 5 });
        using ImageDataset rgb = ImageFolderLoader.Load(folder.Path, new ImageFolderOptions { Width = 4, Height = 5, Color = ImageColor.Rgb });

        gray.LabelNames.Should().Equal("Blue", "red");
        gray.Labels.Should().Equal(0, 1, 1);
        gray.ItemShape.Should().Equal(1, 5, 4);
        rgb.ItemShape.Should().Equal(3, 5, 4);
        Tensor pixels = gray.GetBatch(arange(3L)).mul(255).round();
        pixels[1].unique().output.data<float>().ToArray().Should().Equal(76f); // round(0.299 × 255)
        pixels[2].unique().output.data<float>().ToArray().Should().Equal(76f);
        Tensor colours = rgb.GetBatch(tensor(new long[] { 0, 1 })).mul(255).round();
        colours[1].mean([1, 2]).data<float>().ToArray().Should().Equal(255f, 0f, 0f);
        colours[0].mean([1, 2]).data<float>().ToArray().Should().Equal(new[] { 0f, 0f, 254f }, (a, b) => Math.Abs(a - b) <= 3, "JPEG is lossy");
    }

    [Fact]
    public void A_folder_without_class_sub_folders_is_one_class_named_after_it_at_the_default_size()
    {
        using var folder = new TempFolder("faces");
        WriteImage(folder.File("a.png"), SKColors.White);
        WriteImage(folder.File("b.jpeg"), SKColors.Black, format: SKEncodedImageFormat.Jpeg);

        using ImageDataset data = ImageFolderLoader.Load(folder.Path);

        data.LabelNames.Should().Equal("faces");
        data.Labels.Should().Equal(0, 0);
        data.ItemShape.Should().Equal(1, 28, 28);
    }

    [Fact]
    public void No_images_undecodable_and_truncated_files_and_unlabelled_root_images_name_the_path()
    {
        using var folder = new TempFolder("bad");
        Directory.CreateDirectory(folder.File("empty"));
        File.WriteAllText(folder.File("readme.txt"), "no images here");
        FluentActions.Invoking(() => ImageFolderLoader.Load(folder.Path)).Should().Throw<DataFormatException>()
            .WithMessage($"{folder.Path}: no images found*");
        FluentActions.Invoking(() => ImageFolderLoader.Load(folder.File("absent"))).Should().Throw<DataFormatException>()
            .WithMessage("*absent: folder not found*");

        WriteImage(folder.File("cats/good.png"), SKColors.Gray);
        File.WriteAllText(folder.File("cats/broken.png"), "this is not a PNG");
        FluentActions.Invoking(() => ImageFolderLoader.Load(folder.Path)).Should().Throw<DataFormatException>()
            .WithMessage($"{folder.File("cats/broken.png")}: cannot be decoded*");

        byte[] png = File.ReadAllBytes(folder.File("cats/good.png"));
        File.WriteAllBytes(folder.File("cats/broken.png"), png[..(png.Length * 2 / 3)]);
        FluentActions.Invoking(() => ImageFolderLoader.Load(folder.Path)).Should().Throw<DataFormatException>()
            .WithMessage($"{folder.File("cats/broken.png")}: *");

        File.Delete(folder.File("cats/broken.png"));
        WriteImage(folder.File("stray.png"), SKColors.Gray);
        FluentActions.Invoking(() => ImageFolderLoader.Load(folder.Path)).Should().Throw<DataFormatException>()
            .WithMessage($"{folder.File("stray.png")}: an image directly in the root*");
    }

    [Fact]
    public void Invalid_options_name_the_option()
    {
        FluentActions.Invoking(() => new ImageFolderOptions { Width = 0 })
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Width");
        FluentActions.Invoking(() => new ImageFolderOptions { Height = 5000 })
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Height");
        FluentActions.Invoking(() => new ImageFolderOptions { Color = (ImageColor)7 })
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Color");
    }
}
