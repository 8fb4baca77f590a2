using Microsoft.Playwright;

namespace VaeLib.Explorer.Tests;

/// <summary>Debian's chromium, launched headless through Playwright (whose own browser download is never used).</summary>
internal static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    /// <summary>Launches the browser; fails the test, saying how to install it, when it is missing.</summary>
    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        File.Exists(Path).Should().BeTrue($"the browser tests drive Debian's chromium at {Path}; install it with 'apt-get install chromium' (.ci/run does)");
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Path,
            Headless = true,
            // As root (CI containers) chromium refuses to start with its sandbox.
            Args = ["--no-sandbox"],
        });
    }
}
