using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VaeLib.Data;
using VaeLib.Likelihoods;
using static TorchSharp.torch;

namespace VaeLib.Explorer.Tests;

/// <summary>Tables: values instead of pictures, in the file's own units; and the refusal of conditional models.</summary>
public sealed class ExplorerTableTests
{
    private static readonly CsvStandardization Standardization = new(["height", "weight", "age"], [170, 70, 40], [10, 15, 12]);

    [Fact]
    public async Task Decoded_table_rows_come_back_as_json_values_in_the_files_units()
    {
        using var rows = new TensorDataset(randn(40, 3, generator: new Generator(3)));
        using var model = VariationalAutoencoder.CreateMlp([3], 2, [8], new GaussianLikelihood());
        LatentExplorer explorer = LatentExplorer.Create(model, new ExplorerData(rows, "people.csv") { Standardization = Standardization });
        explorer.IsTable.Should().BeTrue();
        explorer.ColumnNames.Should().Equal("height", "weight", "age");

        await using ExplorerServer server = await ExplorerServer.StartAsync(explorer);
        using var client = new HttpClient { BaseAddress = server.Url };
        using HttpResponseMessage response = await client.PostAsJsonAsync("/api/decode", new { z = new[] { 0.5, -1.0 } });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        float[] values = body.RootElement.GetProperty("values")[0].EnumerateArray().Select(e => e.GetSingle()).ToArray();

        float[] standardized;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            standardized = model.Likelihood.Mean(model.Decode(tensor(new[] { 0.5f, -1f }, [1, 2]))).data<float>().ToArray();
        }

        values.Should().Equal(standardized.Select((v, c) => (float)((v * Standardization.StandardDeviations[c]) + Standardization.Means[c])));

        using JsonDocument input = JsonDocument.Parse(await client.GetStringAsync("/api/items/4/input"));
        float[] row = rows.GetBatch(tensor(new long[] { 4 })).data<float>().ToArray();
        input.RootElement.GetProperty("values")[0].EnumerateArray().Select(e => e.GetSingle())
            .Should().Equal(row.Select((v, c) => (float)((v * Standardization.StandardDeviations[c]) + Standardization.Means[c])));

        using HttpResponseMessage encoded = await client.PostAsJsonAsync("/api/encode", new { x = new[] { 170.0, 70, 40 } });
        using JsonDocument code = JsonDocument.Parse(await encoded.Content.ReadAsStringAsync());
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            float[] expected = model.Encode(zeros(1, 3)).Mean.data<float>().ToArray();
            code.RootElement.GetProperty("mean").EnumerateArray().Select(e => e.GetSingle()).Should().Equal(expected, "the column means standardize to 0");
        }
    }

    [Theory]
    [InlineData("/api/encode", "{\"x\":[170,3e38,40]}", "of x's code is not finite")]
    [InlineData("/api/encode", "{\"x\":[170,70,3e38]}", "x[2] (age) is 3E+38; standardized with the model's statistics it is not a finite float32 number")]
    [InlineData("/api/decode", "{\"z\":[3e38,-3e38]}", "The decoding of z is not finite")]
    public async Task Finite_values_whose_results_overflow_float32_get_400_naming_the_field_not_the_serializers_message(string path, string body, string message)
    {
        using var rows = new TensorDataset(randn(40, 3, generator: new Generator(3)));
        manual_seed(2);
        using var model = VariationalAutoencoder.CreateMlp([3], 2, [8], new GaussianLikelihood());
        // The age column's deviation is below 1, so 3e38 years standardize beyond float32.
        var standardization = new CsvStandardization(["height", "weight", "age"], [170, 70, 40], [10, 15, 0.5]);
        LatentExplorer explorer = LatentExplorer.Create(model, new ExplorerData(rows, "people.csv") { Standardization = standardization });
        await using ExplorerServer server = await ExplorerServer.StartAsync(explorer);
        using var client = new HttpClient { BaseAddress = server.Url };

        using HttpResponseMessage response = await client.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        string answer = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, answer);
        using JsonDocument problem = JsonDocument.Parse(answer);
        problem.RootElement.GetProperty("detail").GetString().Should().Contain(message).And.NotContain("JsonNumberHandling");
    }

    [Fact]
    public void Conditional_model_is_refused_with_a_message()
    {
        using var rows = new TensorDataset(randn(10, 3));
        using var model = VariationalAutoencoder.CreateMlp([3], 2, [8], new GaussianLikelihood(), conditionSize: 2);
        var create = () => LatentExplorer.Create(model, new ExplorerData(rows, "x.csv"));
        create.Should().Throw<ArgumentException>().WithMessage("*unconditional models*conditional on 2 values*");
    }

    [Fact]
    public void Host_other_than_an_address_or_localhost_is_refused_and_loopback_is_recognised()
    {
        var bad = () => new ExplorerServerOptions { Host = "example.org" };
        bad.Should().Throw<ArgumentException>().WithMessage("*IP address*localhost*");
        new ExplorerServerOptions().IsLoopback.Should().BeTrue();
        new ExplorerServerOptions { Host = "::1" }.IsLoopback.Should().BeTrue();
        new ExplorerServerOptions { Host = "0.0.0.0" }.IsLoopback.Should().BeFalse();
    }
}
