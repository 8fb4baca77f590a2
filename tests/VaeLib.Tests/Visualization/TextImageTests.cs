using VaeLib.Visualization;
using static TorchSharp.torch;

namespace VaeLib.Tests.Visualization;

public class TextImageTests
{
    [Fact]
    public void Renders_images_side_by_side_two_pixel_rows_per_line()
    {
        using var scope = NewDisposeScope();
        // Two 4×2 images: the first black with one white column, the second white.
        Tensor first = zeros(4, 2);
        first[.., 1] = tensor(1f);
        Tensor images = stack([first, ones(4, 2)]).unsqueeze(1);

        string text = TextImage.Render(images, gap: 1);

        text.Should().Be(" @ @@\n @ @@\n");
    }

    [Fact]
    public void Intensities_map_onto_the_ramp_and_are_clamped()
    {
        using var scope = NewDisposeScope();
        Tensor image = tensor(new float[] { -1f, 0.5f, 2f }).reshape(1, 1, 3);

        TextImage.Render(image).Should().Be(" +@\n");
    }

    [Fact]
    public void Colour_images_are_rejected()
    {
        using var scope = NewDisposeScope();

        FluentActions.Invoking(() => TextImage.Render(zeros(1, 3, 4, 4))).Should().Throw<ArgumentException>().WithMessage("*[1, 3, 4, 4]*");
    }
}
