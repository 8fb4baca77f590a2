using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Tests.Training;

public class TensorBoardLogTests
{
    [Fact]
    public void Epoch_losses_and_image_grids_are_written_as_tensorboard_events()
    {
        string folder = Path.Combine(Path.GetTempPath(), "vaelib-tb-" + Guid.NewGuid().ToString("N"));
        try
        {
            var log = new TensorBoardLog(folder);
            log.WriteEpoch(new EpochReport(1, 2, 1.5, 100, 250.5, 230.25, 20.25, new ValidationReport(260.5, 240, 20.5)));
            ((IProgress<EpochReport>)log).Report(new EpochReport(2, 2, 1.5, 120, 240.5, 221.25, 19.25, null));
            using var images = rand(10, 1, 6, 5);
            log.WriteImages("samples", images, 2);
            float[] intensities = images.data<float>().ToArray();

            string file = Directory.GetFiles(folder).Should().ContainSingle().Subject;
            List<Tensorboard.Event> events = TensorBoardEvents.Read(file);
            var scalars = events.Where(e => e.Summary is not null).SelectMany(e => e.Summary.Value.Select(v => (e.Step, v))).ToList();
            scalars.Where(s => s.v.Tag == "loss/train").Select(s => (s.Step, s.v.SimpleValue)).Should().Equal((1L, 250.5f), (2L, 240.5f));
            scalars.Where(s => s.v.Tag == "loss/kl").Select(s => s.v.SimpleValue).Should().Equal(20.25f, 19.25f);
            scalars.Where(s => s.v.Tag == "loss/validation").Select(s => (s.Step, s.v.SimpleValue)).Should().Equal((1L, 260.5f));
            var image = scalars.Single(s => s.v.Tag == "samples");
            image.Step.Should().Be(2);
            byte[] png = image.v.Image.EncodedImageString.ToByteArray();
            png.Take(4).Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G');
            // TorchSharp's make_grid: rows of eight, no padding, so 10 images of 6x5 make 2 rows of 8 cells.
            image.v.Image.Width.Should().Be(8 * 5);
            image.v.Image.Height.Should().Be(2 * 6);
            using var bitmap = SkiaSharp.SKBitmap.Decode(png);
            // Image 9 is the second cell of the second row; its pixel (y 3, x 4) is grey in all three channels.
            SkiaSharp.SKColor pixel = bitmap.GetPixel(5 + 4, 6 + 3);
            byte expected = (byte)(intensities[(9 * 30) + (3 * 5) + 4] * 255);
            new[] { pixel.Red, pixel.Green, pixel.Blue }.Should().AllSatisfy(channel => ((int)channel).Should().BeCloseTo(expected, 1));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public void Images_of_the_wrong_shape_are_refused_with_the_shape_found()
    {
        string folder = Path.Combine(Path.GetTempPath(), "vaelib-tb-" + Guid.NewGuid().ToString("N"));
        try
        {
            var log = new TensorBoardLog(folder);
            using var flat = rand(4, 784);

            var act = () => log.WriteImages("samples", flat, 1);

            act.Should().Throw<ArgumentException>().WithMessage("*[4, 784]*");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
