using System.Text;
using static TorchSharp.torch;

namespace VaeLib.Visualization;

/// <summary>Renders grey-level images as text, for a quick look in a terminal.</summary>
public static class TextImage
{
    private const string Ramp = " .:-=+*#%@";

    /// <summary>
    /// Renders images side by side, one character per pixel horizontally and per two pixel rows vertically
    /// (terminal cells are about twice as tall as wide). Intensities are clamped to [0, 1].
    /// </summary>
    /// <param name="images">Shape <c>[N, H, W]</c> or <c>[N, 1, H, W]</c>, values in [0, 1].</param>
    /// <param name="gap">Spaces between images.</param>
    /// <returns>Lines of text, ending with a newline.</returns>
    public static string Render(Tensor images, int gap = 2)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfNegative(gap);
        if (!(images.dim() == 3 || (images.dim() == 4 && images.shape[1] == 1)))
        {
            throw new ArgumentException($"Expected grey-level images [N, H, W] or [N, 1, H, W]; found {Shapes.Format(images.shape)}.", nameof(images));
        }

        using var scope = NewDisposeScope();
        Tensor grey = images.reshape(images.shape[0], images.shape[^2], images.shape[^1]).to_type(ScalarType.Float32).cpu().clamp(0, 1);
        int count = (int)grey.shape[0];
        int height = (int)grey.shape[1];
        int width = (int)grey.shape[2];
        float[] values = grey.data<float>().ToArray();
        var text = new StringBuilder();
        for (int row = 0; row < height; row += 2)
        {
            for (int image = 0; image < count; image++)
            {
                if (image > 0)
                {
                    text.Append(' ', gap);
                }

                for (int column = 0; column < width; column++)
                {
                    int at = (image * height * width) + (row * width) + column;
                    float value = row + 1 < height ? (values[at] + values[at + width]) / 2 : values[at];
                    text.Append(Ramp[(int)Math.Round(value * (Ramp.Length - 1), MidpointRounding.AwayFromZero)]);
                }
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
