using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using VaeLib.Data;
using VaeLib.Explorer;
using VaeLib.Persistence;

namespace VaeLib.Benchmarks;

/// <summary>
/// <c>vae explore</c>'s latency: decode-to-PNG round trips over HTTP (what a slider drag asks for) and the load of the
/// map of the whole test set, against a saved model on a loopback Kestrel, as the page would ask for them.
/// </summary>
internal static class ExplorerBenchmark
{
    /// <summary>Runs the benchmark and prints the figures; returns 0 when the targets are met, 1 otherwise.</summary>
    /// <param name="modelFolder">A saved model (e.g. Fashion-MNIST 784-400-20 from <c>vae train --data fashion-mnist</c>).</param>
    /// <param name="data">The data source of its test set (a known data set name or an IDX folder).</param>
    /// <param name="requests">Decode requests measured, one after another.</param>
    public static int Run(string modelFolder, string data, int requests)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(requests, 1);
        using SavedModel saved = SavedModel.Load(modelFolder);
        using DataSplits splits = KnownDataSources.Names.Contains(data, StringComparer.OrdinalIgnoreCase) ? IdxDataLoader.LoadKnown(data) : IdxDataLoader.Load(data);
        var start = Stopwatch.StartNew();
        LatentExplorer explorer = LatentExplorer.Create(saved.Model, new ExplorerData(splits.Test, data));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"start-up (encode, PCA, anomaly scores of {explorer.ItemCount} items): {start.Elapsed.TotalSeconds:F1} s"));
        return RunAsync(explorer, requests).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(LatentExplorer explorer, int requests)
    {
        await using ExplorerServer server = await ExplorerServer.StartAsync(explorer);
        using var client = new HttpClient { BaseAddress = server.Url };
        var random = new Random(1);
        double[] NextCode() => Enumerable.Range(0, explorer.LatentSize).Select(_ => (random.NextDouble() * 6) - 3).ToArray();

        for (int warmUp = 0; warmUp < 50; warmUp++)
        {
            await Decode(client, NextCode());
        }

        var milliseconds = new double[requests];
        for (int request = 0; request < requests; request++)
        {
            double[] z = NextCode();
            long began = Stopwatch.GetTimestamp();
            await Decode(client, z);
            milliseconds[request] = Stopwatch.GetElapsedTime(began).TotalMilliseconds;
        }

        Array.Sort(milliseconds);
        double p95 = Percentile(milliseconds, 0.95);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"decode → PNG over HTTP, {requests} requests one after another: median {Percentile(milliseconds, 0.5):F2} ms, p95 {p95:F2} ms, p99 {Percentile(milliseconds, 0.99):F2} ms, max {milliseconds[^1]:F2} ms (target p95 ≤ 30 ms)"));

        var mapTimes = new double[5];
        int points = 0;
        for (int load = 0; load < mapTimes.Length; load++)
        {
            long began = Stopwatch.GetTimestamp();
            using HttpResponseMessage response = await client.GetAsync("/api/map");
            response.EnsureSuccessStatusCode();
            MapBody body = (await response.Content.ReadFromJsonAsync<MapBody>())!;
            mapTimes[load] = Stopwatch.GetElapsedTime(began).TotalMilliseconds;
            points = body.X.Length;
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"map of {points} points (GET /api/map, JSON read): first {mapTimes[0]:F1} ms, slowest {mapTimes.Max():F1} ms over {mapTimes.Length} loads (target < 1000 ms)"));
        bool met = p95 <= 30 && mapTimes.Max() < 1000;
        Console.WriteLine(met ? "targets met" : "targets NOT met");
        return met ? 0 : 1;
    }

    private static async Task Decode(HttpClient client, double[] z)
    {
        using HttpResponseMessage response = await client.PostAsJsonAsync("/api/decode", new { z });
        response.EnsureSuccessStatusCode();
        byte[] png = await response.Content.ReadAsByteArrayAsync();
        if (png.Length < 8 || png[1] != (byte)'P')
        {
            throw new InvalidOperationException("The decode endpoint did not answer with a PNG.");
        }
    }

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    private static double Percentile(double[] sorted, double fraction) =>
        sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];

    private sealed record MapBody(float[] X, float[] Y);
}
