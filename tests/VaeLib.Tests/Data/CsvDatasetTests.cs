using VaeLib.Data;
using static TorchSharp.torch;

namespace VaeLib.Tests.Data;

public class CsvDatasetTests
{
    private const string Training = "a,b,kind,c\n1,10,cat,5\n3,,dog,5\n\n,20,cat,5\n5,30,\"dog\",5\n";

    private static float[] Row(CsvDataset data, long row) => data.GetBatch(tensor(new[] { row })).data<float>().ToArray();

    private static bool Close(float a, float b) => Math.Abs(a - b) < 1e-5;

    [Fact]
    public void A_file_wider_than_the_column_limit_is_refused_after_its_header_and_the_limit_can_be_raised()
    {
        using var folder = new TempFolder();
        string path = folder.File("wide.csv");
        string[] names = Enumerable.Range(0, 10_001).Select(i => $"c{i}").ToArray();
        File.WriteAllText(path, string.Join(',', names) + "\n" + string.Join(',', names.Select(_ => "1")) + "\n" + string.Join(',', names.Select(_ => "2")) + "\n");

        FluentActions.Invoking(() => CsvDataset.Load(path)).Should().Throw<DataFormatException>()
            .WithMessage($"{path}: has 10001 columns; at most 10000 are read (CsvOptions.MaxColumns, vae train --max-columns, raises the limit).");
        using CsvDataset wide = CsvDataset.Load(path, new CsvOptions { MaxColumns = 20_000 });
        wide.ItemShape.Should().Equal(10_001);
    }

    [Fact]
    public void Columns_are_standardized_by_hand_computed_statistics_with_missing_cells_at_zero_and_masked()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("train.csv"), Training);
        using var scope = NewDisposeScope();

        using CsvDataset data = CsvDataset.Load(folder.File("train.csv"), new CsvOptions { LabelColumn = "kind" });

        // a: 1, 3, 5 → mean 3, population sd √(8/3); b: 10, 20, 30 → mean 20, sd √(200/3); c is constant → sd 1.
        data.Standardization.Columns.Should().Equal("a", "b", "c");
        data.Standardization.Means.Should().Equal(3, 20, 5);
        data.Standardization.StandardDeviations.Should().Equal(new[] { Math.Sqrt(8.0 / 3), Math.Sqrt(200.0 / 3), 1 }, (x, y) => Math.Abs(x - y) < 1e-12);
        data.Count.Should().Be(4);
        data.ItemShape.Should().Equal(3);
        data.LabelNames.Should().Equal("cat", "dog");
        data.Labels.Should().Equal(0, 1, 0, 1);
        float z = (float)(2 / Math.Sqrt(8.0 / 3)); // 1.2247
        Row(data, 0).Should().Equal(new[] { -z, -z, 0 }, Close);
        Row(data, 1).Should().Equal(new[] { 0, 0f, 0 }, Close);
        Row(data, 3).Should().Equal(new[] { z, z, 0 }, Close);
        data.GetMissingMask(arange(4L)).data<bool>().ToArray().Should().Equal(
            false, false, false,
            false, true, false,
            true, false, false,
            false, false, false);
        data.RowsWithMissingValues.Should().Be(2);
    }

    [Fact]
    public void A_test_file_is_standardized_with_the_training_statistics_and_label_numbers()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("train.csv"), Training);
        File.WriteAllText(folder.File("test.csv"), "a,b,kind,c\n3,40,dog,6\n");
        using var scope = NewDisposeScope();
        using CsvDataset train = CsvDataset.Load(folder.File("train.csv"), new CsvOptions { LabelColumn = "kind" });

        using CsvDataset test = CsvDataset.Load(folder.File("test.csv"), new CsvOptions { LabelColumn = "kind", Standardization = train.Standardization, LabelNames = train.LabelNames });

        test.Standardization.Should().BeSameAs(train.Standardization);
        Row(test, 0).Should().Equal(new[] { 0f, (float)(20 / Math.Sqrt(200.0 / 3)), 1f }, Close);
        test.Labels.Should().Equal(1);
    }

    [Fact]
    public void Without_a_label_column_every_column_is_a_feature_and_there_are_no_labels()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("plain.csv"), "x,y\n1.5,-2\n2.5,2e0\n");
        using var scope = NewDisposeScope();

        using CsvDataset data = CsvDataset.Load(folder.File("plain.csv"));

        data.Labels.Should().BeEmpty();
        data.LabelNames.Should().BeEmpty();
        data.Standardization.Means.Should().Equal(2, 0);
        Row(data, 0).Should().Equal(new[] { -1f, -1f }, Close);
    }

    [Theory]
    [InlineData("", "the file is empty*")]
    [InlineData("\n\n", "the file is empty*")]
    [InlineData("1,2,3\n4,5,6\n", "no header row*")]
    [InlineData("a,b,kind,c\n", "has a header but no data rows*")]
    [InlineData("a,b,kind,c\n1,2,cat,3\n1,2,cat\n", "row 3 has 3 cells; expected 4*")]
    [InlineData("a,b,kind,c\n1,2,cat,3\n1,abc,cat,3\n", "row 3, column 'b': 'abc' is not a finite number*")]
    [InlineData("a,b,kind,c\n1,2,cat,3\n1,\"1,5\",cat,3\n", "row 3, column 'b': '1,5' is not a finite number*")]
    [InlineData("a,b,kind,c\n1,2,cat,Infinity\n", "row 2, column 'c': 'Infinity' is not a finite number*")]
    [InlineData("a,b,kind,c\n1,2,,3\n", "row 2 has no label in column 'kind'*")]
    [InlineData("a,b,type,c\n1,2,cat,3\n", "no label column 'kind'; the columns are a, b, type, c*")]
    [InlineData("a,b,kind,a\n1,2,cat,3\n", "the header names column 'a' twice*")]
    [InlineData("a,b,kind,c\n1,\"2,cat,3\n", "row 2 has a quote that is not closed*")]
    public void Bad_files_name_the_file_and_the_problem(string text, string problem)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("bad.csv"), text);

        FluentActions.Invoking(() => CsvDataset.Load(folder.File("bad.csv"), new CsvOptions { LabelColumn = "kind" }))
            .Should().Throw<DataFormatException>().WithMessage($"{folder.File("bad.csv")}: {problem}");
    }

    [Fact]
    public void A_missing_file_or_columns_that_differ_from_the_statistics_are_named()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("test.csv"), "a,c,b\n1,2,3\n");
        var statistics = new CsvStandardization(["a", "b", "c"], [0, 0, 0], [1, 1, 1]);

        FluentActions.Invoking(() => CsvDataset.Load(folder.File("test.csv"), new CsvOptions { Standardization = statistics }))
            .Should().Throw<DataFormatException>().WithMessage("*test.csv: its columns (a, c, b) differ from the standardization's (a, b, c)*");
        FluentActions.Invoking(() => CsvDataset.Load(folder.File("absent.csv")))
            .Should().Throw<DataFormatException>().WithMessage("*absent.csv: cannot be read*");
        File.WriteAllText(folder.File("labels.csv"), "a,kind\n1,bird\n");
        FluentActions.Invoking(() => CsvDataset.Load(folder.File("labels.csv"), new CsvOptions { LabelColumn = "kind", LabelNames = ["cat", "dog"] }))
            .Should().Throw<DataFormatException>().WithMessage("*labels.csv: label 'bird' of data row 1 is not among the given label names (cat, dog)*");
    }

    [Fact]
    public void Invalid_options_and_statistics_name_the_parameter()
    {
        FluentActions.Invoking(() => new CsvOptions { LabelColumn = string.Empty })
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("LabelColumn");
        FluentActions.Invoking(() => new CsvOptions { Separator = '"' })
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Separator");
        FluentActions.Invoking(() => new CsvOptions { LabelNames = ["a", "a"] })
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("LabelNames");
        FluentActions.Invoking(() => new CsvStandardization(["a"], [0], [0]))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("standardDeviations");
        FluentActions.Invoking(() => new CsvStandardization(["a", "b"], [0], [1]))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("columns");
    }

    [Fact]
    public void Standardize_and_restore_use_each_columns_own_statistics_and_invert_each_other()
    {
        var statistics = new CsvStandardization(["a", "b"], [2, -1], [4, 0.5]);

        statistics.Standardize(0, 10).Should().Be(2);     // (10 − 2) / 4
        statistics.Standardize(1, 0).Should().Be(2);      // (0 + 1) / 0.5
        statistics.Restore(0, -1.5).Should().Be(-4);      // −1.5 · 4 + 2
        statistics.Restore(1, statistics.Standardize(1, 7.25)).Should().Be(7.25);
    }

    [Fact]
    public void Statistics_round_trip_through_model_metadata_and_a_damaged_entry_is_a_model_format_error()
    {
        var statistics = new CsvStandardization(["a", "b"], [2, -1], [4, 0.5]);
        var metadata = new Dictionary<string, string> { [CsvStandardization.MetadataKey] = statistics.ToJson() };

        CsvStandardization read = CsvStandardization.FromMetadata(metadata)!;

        read.Columns.Should().Equal("a", "b");
        read.Means.Should().Equal(2, -1);
        read.StandardDeviations.Should().Equal(4, 0.5);
        CsvStandardization.FromMetadata(new Dictionary<string, string> { ["data"] = "sprites" }).Should().BeNull();
        FluentActions.Invoking(() => CsvStandardization.FromMetadata(new Dictionary<string, string> { [CsvStandardization.MetadataKey] = "{\"Columns\": [" }))
            .Should().Throw<VaeLib.Persistence.ModelFormatException>().WithMessage("*csv_standardization metadata cannot be read*");
        string zeroDeviation = statistics.ToJson().Replace("0.5", "0", StringComparison.Ordinal);
        FluentActions.Invoking(() => CsvStandardization.FromMetadata(new Dictionary<string, string> { [CsvStandardization.MetadataKey] = zeroDeviation }))
            .Should().Throw<VaeLib.Persistence.ModelFormatException>().WithMessage("*standard deviation must be a finite positive number*");
        FluentActions.Invoking(() => CsvStandardization.FromMetadata(new Dictionary<string, string> { [CsvStandardization.MetadataKey] = "null" }))
            .Should().Throw<VaeLib.Persistence.ModelFormatException>().WithMessage("*metadata is empty*");
    }
}
