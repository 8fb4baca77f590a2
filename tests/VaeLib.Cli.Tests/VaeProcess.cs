using System.Diagnostics;

namespace VaeLib.Cli.Tests;

/// <summary>Runs the built <c>vae</c> program as a user would, and captures what it prints.</summary>
internal static class VaeProcess
{
    public static (int ExitCode, string Output, string Error) Run(params string[] arguments) => RunUnder([], arguments);

    /// <summary>How to start vae with its output captured, under another program (e.g. strace) when a wrapper is given.</summary>
    public static ProcessStartInfo StartInfo(string[] wrapper, string[] arguments)
    {
        var start = new ProcessStartInfo(wrapper.Length == 0 ? "dotnet" : wrapper[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in wrapper.Skip(1).Concat(wrapper.Length == 0 ? [] : ["dotnet"]))
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vae.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>Runs vae under another program (e.g. strace and its options) that is given vae's command line.</summary>
    public static (int ExitCode, string Output, string Error) RunUnder(string[] wrapper, params string[] arguments)
    {
        ProcessStartInfo start = StartInfo(wrapper, arguments);
        using var process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"vae {string.Join(' ', arguments)} did not finish in 3 minutes.");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
