using System.Globalization;

namespace VaeLib.Benchmarks;

/// <summary>Resident memory from <c>/proc</c> (Linux), in megabytes of 2^20 bytes; NaN where it cannot be read.</summary>
internal static class ProcessMemory
{
    /// <summary>This process's resident set size now.</summary>
    public static double ResidentMegabytes() => Read("self", "VmRSS:");

    /// <summary>A process's peak resident set size so far (the kernel's high-water mark).</summary>
    public static double PeakMegabytes(int processId) => Read(processId.ToString(CultureInfo.InvariantCulture), "VmHWM:");

    private static double Read(string process, string field)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{process}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    string kilobytes = line[field.Length..].Trim().Split(' ')[0];
                    return double.Parse(kilobytes, CultureInfo.InvariantCulture) / 1024;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The process has exited, or this is not Linux.
        }

        return double.NaN;
    }
}
