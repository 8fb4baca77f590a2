using System.Diagnostics;
using System.Globalization;

namespace VaeLib.Cli.Tests;

/// <summary>Runs <c>vae</c> like <see cref="VaeProcess"/> and samples its peak resident memory while it runs (Linux).</summary>
internal static class MeasuredVaeProcess
{
    public static (int ExitCode, string Output, string Error, long PeakBytes) Run(params string[] arguments)
    {
        using var process = Process.Start(VaeProcess.StartInfo([], arguments))!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        long peak = 0;
        var clock = Stopwatch.StartNew();
        // VmHWM is the kernel's high-water mark, so a sample every 10 ms misses at most the last 10 ms of growth.
        while (!process.WaitForExit(10))
        {
            peak = Math.Max(peak, HighWaterMark(process.Id));
            if (clock.Elapsed > TimeSpan.FromMinutes(3))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"vae {string.Join(' ', arguments)} did not finish in 3 minutes.");
            }
        }

        return (process.ExitCode, output.Result, error.Result, peak);
    }

    private static long HighWaterMark(int processId)
    {
        try
        {
            string? line = File.ReadLines($"/proc/{processId}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return 0; // The process has just exited.
        }
    }
}
