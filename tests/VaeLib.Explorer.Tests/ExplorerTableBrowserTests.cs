using Microsoft.Playwright;
using VaeLib.Data;
using VaeLib.Likelihoods;
using static TorchSharp.torch;

namespace VaeLib.Explorer.Tests;

/// <summary>The page for a table model in headless chromium: values instead of pictures, and the sliders still work.</summary>
public sealed class ExplorerTableBrowserTests
{
    [Fact]
    public async Task Sliders_redraw_the_table_of_decoded_values_beside_the_row_they_started_from()
    {
        using var rows = new TensorDataset(randn(60, 3, generator: new Generator(8)));
        manual_seed(8);
        using var model = VariationalAutoencoder.CreateMlp([3], 2, [8], new GaussianLikelihood());
        var standardization = new CsvStandardization(["height", "weight", "age"], [170, 70, 40], [10, 15, 12]);
        LatentExplorer explorer = LatentExplorer.Create(model, new ExplorerData(rows, "people.csv") { Standardization = standardization });
        await using ExplorerServer server = await ExplorerServer.StartAsync(explorer);

        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await Chromium.LaunchAsync(playwright);
        IPage page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(server.Url.AbsoluteUri);
        await page.WaitForSelectorAsync("#slider-output table");
        string before = (await page.TextContentAsync("#slider-output table"))!;
        before.Should().Contain("height").And.Contain("weight").And.Contain("age").And.Contain("decoded");

        await page.Locator("#sliders input[type=range]").First.FillAsync("-2.5");
        await page.WaitForFunctionAsync("(before) => document.querySelector('#slider-output table').textContent !== before", before);

        await page.FillAsync("#start-index", "4");
        await page.ClickAsync("#start-button");
        await page.WaitForFunctionAsync("() => document.querySelector('#slider-output table').textContent.includes('input #4')");
        float[] row = rows.GetBatch(tensor(new long[] { 4 })).data<float>().ToArray();
        string height = ((row[0] * 10) + 170).ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
        (await page.TextContentAsync("#slider-output table")).Should().Contain(height, "the input row is shown in the file's units");

        await page.Locator("#tabs button[data-view=samples]").ClickAsync();
        await page.WaitForSelectorAsync("#samples-output table");
        errors.Should().BeEmpty();
    }
}
