using Microsoft.Playwright;

namespace VaeLib.Explorer.Tests;

/// <summary>
/// The page in a real headless browser: Debian's chromium driven by Playwright (no downloaded browser). It moves a
/// slider and clicks a map point like a user, and saves a screenshot of each view.
/// </summary>
/// <remarks>
/// Screenshots go to $VAELIB_EXPLORE_SCREENSHOTS (default: a folder beside the test assembly). With
/// $VAELIB_EXPLORE_URL set, the test drives that running explorer instead of its own (how docs/images/explore was made).
/// </remarks>
[Collection(ExplorerFixture.Collection)]
public sealed class ExplorerBrowserTests(ExplorerFixture fixture)
{
    // The pixels of the page's image in a container, read back through a canvas: what the user sees, not a URL.
    private const string PixelsOf = """
        (selector) => {
          const img = document.querySelector(selector + " img");
          if (!img || !img.complete || img.naturalWidth === 0) return null;
          const canvas = document.createElement("canvas");
          canvas.width = img.naturalWidth;
          canvas.height = img.naturalHeight;
          const context = canvas.getContext("2d");
          context.drawImage(img, 0, 0);
          return Array.from(context.getImageData(0, 0, canvas.width, canvas.height).data).join(",");
        }
        """;

    [Fact]
    public async Task Slider_redraws_the_image_map_click_shows_the_reconstruction_and_every_view_is_captured()
    {
        string url = Environment.GetEnvironmentVariable("VAELIB_EXPLORE_URL") ?? fixture.Server.Url.AbsoluteUri;
        string shots = Environment.GetEnvironmentVariable("VAELIB_EXPLORE_SCREENSHOTS") ?? Path.Combine(AppContext.BaseDirectory, "explore-screenshots");
        Directory.CreateDirectory(shots);

        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await Chromium.LaunchAsync(playwright);
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);

        await page.GotoAsync(url);
        await page.WaitForSelectorAsync("body[data-ready=true]");

        // 1. Sliders: the first (most used) slider moves and the decoded image changes.
        string before = await WaitForImage(page, "#slider-output", minimumVersion: 1);
        string version = await page.GetAttributeAsync("#slider-output", "data-version") ?? "0";
        await page.Locator("#sliders input[type=range]").First.FillAsync("2.5");
        string after = await WaitForImage(page, "#slider-output", minimumVersion: int.Parse(version, System.Globalization.CultureInfo.InvariantCulture) + 1);
        after.Should().NotBe(before, "moving a latent dimension decodes another image");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "sliders.png") });

        // 2. Map: click the first point; the input and its reconstruction appear.
        await page.Locator("#tabs button[data-view=map]").ClickAsync();
        await page.WaitForSelectorAsync("#map-canvas[data-points]");
        var point = await page.EvaluateAsync<double[]>("""
            () => {
              const canvas = document.getElementById("map-canvas");
              const rect = canvas.getBoundingClientRect();
              const [x, y] = map.screen[0];
              return [rect.left + x * rect.width / canvas.width, rect.top + y * rect.height / canvas.height];
            }
            """);
        await page.Mouse.ClickAsync((float)point[0], (float)point[1]);
        await page.WaitForSelectorAsync("#map-canvas[data-selected]");
        string selected = (await page.GetAttributeAsync("#map-canvas", "data-selected"))!;
        (await page.TextContentAsync("#map-caption")).Should().Contain($"test example {selected}");
        await WaitForImage(page, "#map-input", minimumVersion: 1);
        (await WaitForImage(page, "#map-reconstruction", minimumVersion: 1)).Should().NotBeNullOrEmpty();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "map.png") });

        // 3. Interpolate (opens with examples 0 and 1), 4. Samples, 5. Anomalies.
        await page.Locator("#tabs button[data-view=interpolate]").ClickAsync();
        await WaitForImage(page, "#linear-output", minimumVersion: 1);
        await WaitForImage(page, "#spherical-output", minimumVersion: 1);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "interpolate.png") });

        await page.Locator("#tabs button[data-view=samples]").ClickAsync();
        await WaitForImage(page, "#samples-output", minimumVersion: 1);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "samples.png") });

        await page.Locator("#tabs button[data-view=anomalies]").ClickAsync();
        await page.WaitForSelectorAsync("#anomalies-output[data-count]");
        await page.WaitForFunctionAsync("() => Array.from(document.querySelectorAll('#anomalies-output img')).every(img => img.complete && img.naturalWidth > 0)");
        (await page.Locator("#anomalies-output .card").CountAsync()).Should().BePositive();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "anomalies.png"), FullPage = false });

        (await page.TextContentAsync("#summary")).Should().NotStartWith("error");
        errors.Should().BeEmpty();
        foreach (string view in new[] { "sliders", "map", "interpolate", "samples", "anomalies" })
        {
            new FileInfo(Path.Combine(shots, $"{view}.png")).Length.Should().BePositive();
        }
    }

    /// <summary>Waits until the container's image has loaded at least the given number of times; returns its pixels.</summary>
    private static async Task<string> WaitForImage(IPage page, string container, int minimumVersion)
    {
        await page.WaitForFunctionAsync(
            "([selector, version]) => Number(document.querySelector(selector).dataset.version || 0) >= version",
            new object[] { container, minimumVersion });
        string? pixels = await page.EvaluateAsync<string?>(PixelsOf, container);
        pixels.Should().NotBeNullOrEmpty($"{container} shows a loaded image");
        return pixels!;
    }
}
