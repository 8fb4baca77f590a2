using System.Diagnostics;
using System.Globalization;

namespace VaeLib.Tests;

/// <summary>
/// Runs a loader over many damaged inputs: each must load, or be refused with the loader's own clear error, within
/// 5 s. Any other exception, or a slower answer, is a failure.
/// </summary>
internal static class FuzzHarness
{
    /// <summary>Writes each input, loads it, and counts the outcomes; asserts no failures and that every input was answered.</summary>
    /// <param name="inputs">The inputs.</param>
    /// <param name="name">An input's name, for failure messages.</param>
    /// <param name="write">Puts an input where <paramref name="load"/> reads it.</param>
    /// <param name="load">Loads what was written; returns normally when it loads.</param>
    /// <param name="isClearRefusal">Whether an exception is the loader's clear refusal (its type, naming the file).</param>
    public static FuzzOutcomes TryAll<TInput>(
        IReadOnlyList<TInput> inputs,
        Func<TInput, string> name,
        Action<TInput> write,
        Action load,
        Func<Exception, bool> isClearRefusal)
    {
        int loaded = 0, refused = 0;
        var loadedNames = new List<string>();
        var failures = new List<string>();
        foreach (TInput input in inputs)
        {
            write(input);
            var clock = Stopwatch.StartNew();
            try
            {
                load();
                loaded++;
                loadedNames.Add(name(input));
            }
            catch (Exception e) when (isClearRefusal(e))
            {
                refused++;
            }
            catch (Exception e)
            {
                failures.Add($"{name(input)}: {e.GetType().Name}: {e.Message}");
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(5))
            {
                failures.Add($"{name(input)}: took {clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
            }
        }

        failures.Should().BeEmpty();
        (loaded + refused).Should().Be(inputs.Count);
        return new FuzzOutcomes(loaded, refused, loadedNames);
    }
}

/// <summary>How many inputs loaded and how many were refused clearly, and the names of those that loaded.</summary>
internal readonly record struct FuzzOutcomes(int Loaded, int Refused, IReadOnlyList<string> LoadedNames)
{
    public int Total => Loaded + Refused;
}
