using System.Globalization;
using VaeLib.Data;
using VaeLib.Evaluation;
using VaeLib.Tests.Data;
using static TorchSharp.torch;

namespace VaeLib.Tests.Evaluation;

public class LatentCodesTests
{
    [Fact]
    public void Encoding_in_batches_gives_each_items_mu_and_log_variance_in_order()
    {
        using var scope = NewDisposeScope();
        using var model = VariationalAutoencoder.CreateMlp([5], latentSize: 3, hiddenSizes: [8]);
        using var data = new TensorDataset(randn(7, 5));
        model.train();

        using LatentCodes codes = LatentCodes.Encode(model, data, batchSize: 3); // batches of 3, 3 and 1

        var direct = model.Encode(data.GetBatch(arange(7L)));
        codes.Count.Should().Be(7);
        codes.LatentSize.Should().Be(3);
        codes.Mean.allclose(direct.Mean, atol: 1e-6).Should().BeTrue();
        codes.LogVariance.allclose(direct.LogVariance, atol: 1e-6).Should().BeTrue();
        codes.StandardDeviation().allclose(direct.StandardDeviation, atol: 1e-6).Should().BeTrue();
        model.training.Should().BeTrue("the model's mode is restored");
    }

    [Fact]
    public void The_csv_has_a_header_one_row_per_item_and_values_that_read_back_exactly()
    {
        using var scope = NewDisposeScope();
        using var model = VariationalAutoencoder.CreateMlp([4], latentSize: 2, hiddenSizes: [8]);
        using var data = new TensorDataset(randn(3, 4));
        using LatentCodes codes = LatentCodes.Encode(model, data);
        using var folder = new TempFolder();
        string path = folder.File("latents.csv");

        codes.SaveCsv(path, ["cat", "dog, large", "say \"hi\""]);

        string[] lines = File.ReadAllLines(path);
        lines.Should().HaveCount(4);
        lines[0].Should().Be("index,label,mu_1,mu_2,sigma_1,sigma_2");
        lines[1].Should().StartWith("0,cat,");
        lines[2].Should().StartWith("1,\"dog, large\",");
        lines[3].Should().StartWith("2,\"say \"\"hi\"\"\",");
        float[] mean = codes.Mean.data<float>().ToArray();
        float[] sigma = codes.StandardDeviation().data<float>().ToArray();
        string[] first = lines[1].Split(',');
        first[2..].Select(value => float.Parse(value, CultureInfo.InvariantCulture)).Should().Equal(mean[0], mean[1], sigma[0], sigma[1]);
    }

    [Fact]
    public void Without_labels_the_csv_has_no_label_column_and_a_wrong_label_count_is_refused()
    {
        using var model = VariationalAutoencoder.CreateMlp([4], latentSize: 2, hiddenSizes: [8]);
        using var data = new TensorDataset(randn(2, 4));
        using LatentCodes codes = LatentCodes.Encode(model, data);
        using var folder = new TempFolder();

        codes.SaveCsv(folder.File("plain.csv"));

        File.ReadAllLines(folder.File("plain.csv"))[0].Should().Be("index,mu_1,mu_2,sigma_1,sigma_2");
        FluentActions.Invoking(() => codes.SaveCsv(folder.File("bad.csv"), ["only one"]))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("labels");
    }
}
