using SkiaSharp;
using VaeLib.Visualization;
using static TorchSharp.torch;

namespace VaeLib.Tests.Visualization;

public class ImageGridTests
{
    [Fact]
    public void Lays_out_images_in_rows_with_padding_and_scale()
    {
        using var scope = NewDisposeScope();
        // Three 2×2 grey images: black, white, mid-grey; two per row, scale 3, padding 2.
        Tensor images = stack([zeros(1, 2, 2), ones(1, 2, 2), full(1, 2, 2, 0.5f)]);

        using var bitmap = SKBitmap.Decode(ImageGrid.EncodePng(images, columns: 2, scale: 3, padding: 2));

        bitmap.Width.Should().Be(2 + (2 * ((2 * 3) + 2)));
        bitmap.Height.Should().Be(2 + (2 * ((2 * 3) + 2)));
        bitmap.GetPixel(2, 2).Should().Be(new SKColor(0, 0, 0));
        bitmap.GetPixel(2 + 8 + 5, 2 + 5).Should().Be(new SKColor(255, 255, 255));
        bitmap.GetPixel(2, 2 + 8).Should().Be(new SKColor(128, 128, 128));
        bitmap.GetPixel(0, 0).Should().Be(new SKColor(40, 40, 40), "padding is dark grey");
    }

    [Fact]
    public void Colour_images_keep_their_channels()
    {
        using var scope = NewDisposeScope();
        Tensor red = zeros(1, 3, 1, 1);
        red[0, 0] = tensor(1f);

        using var bitmap = SKBitmap.Decode(ImageGrid.EncodePng(red, columns: 1, scale: 1, padding: 0));

        bitmap.GetPixel(0, 0).Should().Be(new SKColor(255, 0, 0));
    }

    [Fact]
    public void Other_shapes_are_rejected()
    {
        using var scope = NewDisposeScope();

        FluentActions.Invoking(() => ImageGrid.EncodePng(zeros(2, 2, 4, 4), 2)).Should().Throw<ArgumentException>().WithMessage("*[2, 2, 4, 4]*");
    }
}
