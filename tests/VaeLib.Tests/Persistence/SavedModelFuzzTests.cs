using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using VaeLib.Persistence;

namespace VaeLib.Tests.Persistence;

/// <summary>
/// Fuzz tests of <see cref="SavedModel.Load"/>: every damaged folder must either load or end in a
/// <see cref="ModelFormatException"/> naming the file; never another exception, a hang, or a huge allocation.
/// Inputs are made from seeded generators, so every run tries the same ones.
/// </summary>
public sealed class SavedModelFuzzTests : IDisposable
{
    private readonly string template = Directory.CreateTempSubdirectory("vaelib-fuzz-template-").FullName;
    private readonly string folder = Directory.CreateTempSubdirectory("vaelib-fuzz-").FullName;
    private readonly byte[] description;
    private readonly byte[] weights;

    public SavedModelFuzzTests()
    {
        var architecture = new VaeArchitecture { InputShape = [6], HiddenSizes = [8], LatentSize = 3 };
        using VariationalAutoencoder model = architecture.Build();
        new SavedModel(model, architecture, new Dictionary<string, string> { ["data"] = "fuzz" }).Save(template);
        description = File.ReadAllBytes(Path.Combine(template, SavedModel.DescriptionFileName));
        weights = File.ReadAllBytes(Path.Combine(template, SavedModel.WeightsFileName));
    }

    private string DescriptionPath => Path.Combine(folder, SavedModel.DescriptionFileName);

    private string WeightsPath => Path.Combine(folder, SavedModel.WeightsFileName);

    public void Dispose()
    {
        Directory.Delete(template, recursive: true);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void The_description_records_the_weights_checksum_and_an_untouched_copy_loads()
    {
        JsonNode.Parse(description)!["weightsSha256"]!.GetValue<string>().Should().MatchRegex("^[0-9a-f]{64}$");
        Write(description, weights);
        using SavedModel loaded = SavedModel.Load(folder);
        loaded.Metadata.Should().Contain("data", "fuzz");
    }

    [Fact]
    public void Model_json_truncated_at_every_length_is_refused()
    {
        var inputs = Enumerable.Range(0, description.Length).Select(length => ($"model.json cut to {length} bytes", description[..length], weights)).ToList();

        FuzzOutcomes outcomes = TryAll(inputs);

        // One input per length 0..N−1 (N ≈ 370 bytes); none is a whole JSON object.
        outcomes.Total.Should().Be(description.Length).And.BeGreaterThan(300);
        outcomes.Loaded.Should().Be(0);
    }

    [Fact]
    public void Model_json_with_300_random_byte_flips_loads_or_is_refused()
    {
        var random = new Random(300);
        var inputs = Enumerable.Range(0, 300).Select(i =>
        {
            byte[] bytes = (byte[])description.Clone();
            int position = random.Next(bytes.Length);
            bytes[position] ^= (byte)random.Next(1, 256);
            return ($"model.json flip {i} at byte {position}", bytes, weights);
        }).ToList();

        FuzzOutcomes outcomes = TryAll(inputs);

        // A flip inside a metadata value or the variance's digits still loads; the rest are refused.
        outcomes.Total.Should().Be(300);
        outcomes.Refused.Should().BeGreaterThan(150);
    }

    [Fact]
    public void Weights_truncated_random_or_with_one_flipped_byte_are_refused_by_the_checksum()
    {
        var random = new Random(60);
        var inputs = new List<(string, byte[], byte[])>();
        for (int i = 0; i < 60; i++)
        {
            int length = i == 0 ? 0 : random.Next(weights.Length);
            inputs.Add(($"weights.bin cut to {length} bytes", description, weights[..length]));
        }

        for (int i = 0; i < 100; i++)
        {
            var bytes = new byte[i % 2 == 0 ? weights.Length : random.Next(1, 3 * weights.Length)];
            random.NextBytes(bytes);
            inputs.Add(($"weights.bin random {i} ({bytes.Length} bytes)", description, bytes));
        }

        for (int i = 0; i < 200; i++)
        {
            byte[] bytes = (byte[])weights.Clone();
            int position = random.Next(bytes.Length);
            bytes[position] ^= (byte)random.Next(1, 256);
            inputs.Add(($"weights.bin flip {i} at byte {position}", description, bytes));
        }

        FuzzOutcomes outcomes = TryAll(inputs, "checksum mismatch: the file is damaged or was replaced", "bytes cannot hold the 196 parameters", $"bytes, where the model that model.json describes takes exactly {weights.Length}:");

        // Cuts below 4 bytes per parameter fail the size check before the model is built, other lengths the exact
        // size of the built model's file, same-length damage the checksum. 60 cuts + 100 random files + 200 single-byte flips = 360 inputs, every one refused.
        outcomes.Total.Should().Be(360);
        outcomes.Loaded.Should().Be(0);
    }

    [Fact]
    public void Without_a_recorded_checksum_weights_load_unverified_and_damage_still_ends_in_the_documented_exception()
    {
        // A folder saved before checksums were recorded: the damage reaches TorchSharp's reader.
        JsonNode legacy = JsonNode.Parse(description)!;
        legacy.AsObject().Remove("weightsSha256");
        byte[] legacyDescription = Encoding.UTF8.GetBytes(legacy.ToJsonString());
        Write(legacyDescription, weights);
        using (SavedModel untouched = SavedModel.Load(folder))
        {
            untouched.Architecture.LatentSize.Should().Be(3);
        }

        var random = new Random(61);
        var inputs = new List<(string, byte[], byte[])> { ("untouched", legacyDescription, weights) };
        for (int i = 0; i < 60; i++)
        {
            int length = random.Next(weights.Length);
            inputs.Add(($"weights.bin cut to {length} bytes", legacyDescription, weights[..length]));
        }

        for (int i = 0; i < 100; i++)
        {
            var bytes = new byte[random.Next(0, 3 * weights.Length)];
            random.NextBytes(bytes);
            inputs.Add(($"weights.bin random {i} ({bytes.Length} bytes)", legacyDescription, bytes));
        }

        for (int i = 0; i < 200; i++)
        {
            byte[] bytes = (byte[])weights.Clone();
            int position = random.Next(bytes.Length);
            bytes[position] ^= (byte)random.Next(1, 256);
            inputs.Add(($"weights.bin flip {i} at byte {position}", legacyDescription, bytes));
        }

        FuzzOutcomes outcomes = TryAll(inputs);

        // 1 untouched + 60 cuts + 100 random files + 200 flips = 361 inputs; flips inside the float data load
        // silently here, which is what the checksum prevents for folders saved now.
        outcomes.Total.Should().Be(361);
        outcomes.Loaded.Should().BeGreaterThan(1);
        outcomes.Refused.Should().BeGreaterThanOrEqualTo(160);
    }

    [Theory]
    [InlineData("architecture.inputShape", "[100000, 100000, 100000]", "are accepted, so it is refused")]
    [InlineData("architecture.inputShape", "[9000000000000000000, 9000000000000000000]", "are accepted, so it is refused")]
    [InlineData("architecture.latentSize", "2000000000", "are accepted, so it is refused")]
    [InlineData("architecture.hiddenSizes", "[2000000000]", "are accepted, so it is refused")]
    [InlineData("architecture.hiddenSizes", "[2000000000, 2000000000, 2000000000]", "are accepted, so it is refused")]
    [InlineData("architecture.hiddenSizes", "[100000]", "weights.bin: 1")]
    [InlineData("architecture.inputShape", "[100000]", "cannot hold")]
    [InlineData("architecture.kind", "\"conv\"", "cannot be built")]
    public void Absurd_sizes_are_refused_quickly_without_allocating_them(string property, string value, string problem)
    {
        if (property == "architecture.kind")
        {
            // A conv model of 3×100000×100000 images: 2.4e11 input elements, refused on its dense layers' size.
            Write(Edit(Edit(description, property, value), "architecture.inputShape", "[3, 100000, 100000]"), weights);
            problem = "are accepted, so it is refused";
        }
        else
        {
            Write(Edit(description, property, value), weights);
        }

        long before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        FluentActions.Invoking(() => SavedModel.Load(folder)).Should().Throw<ModelFormatException>()
            .Which.Message.Should().Contain(folder).And.Contain(problem);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1));
        (GC.GetTotalAllocatedBytes(precise: true) - before).Should().BeLessThan(10_000_000);
    }

    [Theory]
    [InlineData("architecture.latentSize", "0")]
    [InlineData("architecture.latentSize", "-3")]
    [InlineData("architecture.latentSize", "3000000000")]
    [InlineData("architecture.latentSize", "\"three\"")]
    [InlineData("architecture.latentSize", "3.5")]
    [InlineData("architecture.latentSize", "null")]
    [InlineData("architecture.inputShape", "[]")]
    [InlineData("architecture.inputShape", "[0]")]
    [InlineData("architecture.inputShape", "[-6]")]
    [InlineData("architecture.inputShape", "6")]
    [InlineData("architecture.inputShape", "null")]
    [InlineData("architecture.inputShape", "[\"6\"]")]
    [InlineData("architecture.hiddenSizes", "[-8]")]
    [InlineData("architecture.hiddenSizes", "[0]")]
    [InlineData("architecture.hiddenSizes", "null")]
    [InlineData("architecture.hiddenSizes", "{}")]
    [InlineData("architecture.kind", "\"transformer\"")]
    [InlineData("architecture.kind", "7")]
    [InlineData("architecture.kind", "-1")]
    [InlineData("architecture.kind", "\"conv\"")]
    [InlineData("architecture.activation", "99")]
    [InlineData("architecture.activation", "\"swish2\"")]
    [InlineData("architecture.likelihood", "\"poisson\"")]
    [InlineData("architecture.likelihood", "5")]
    [InlineData("architecture.gaussianVariance", "-1")]
    [InlineData("architecture.gaussianVariance", "0")]
    [InlineData("architecture.gaussianVariance", "\"NaN\"")]
    [InlineData("architecture", "null")]
    [InlineData("architecture", "[]")]
    [InlineData("architecture", "5")]
    [InlineData("formatVersion", "2")]
    [InlineData("formatVersion", "0")]
    [InlineData("formatVersion", "\"1\"")]
    [InlineData("formatVersion", "1e99")]
    [InlineData("metadata", "[]")]
    [InlineData("metadata", "{\"a\": 1}")]
    [InlineData("metadata", "{\"a\": null}")]
    [InlineData("weightsSha256", "\"xyz\"")]
    [InlineData("weightsSha256", "42")]
    [InlineData("weightsSha256", "\"0000000000000000000000000000000000000000000000000000000000000000\"")]
    [InlineData("", "[]")]
    [InlineData("", "null")]
    [InlineData("", "\"model\"")]
    public void Invalid_values_and_wrong_json_types_are_refused_naming_the_file(string property, string value)
    {
        Write(property.Length == 0 ? Encoding.UTF8.GetBytes(value) : Edit(description, property, value), weights);

        FluentActions.Invoking(() => SavedModel.Load(folder)).Should().Throw<ModelFormatException>()
            .Which.Message.Should().Match($"*{folder}*{(property == "formatVersion" && value is "2" or "0" ? "format version" : string.Empty)}*");
    }

    [Fact]
    public void Model_json_with_2000_values_replaced_by_hostile_ones_loads_or_is_refused()
    {
        string[] hostile =
        [
            "-1", "0", "1", "2147483648", "-2147483649", "9007199254740993", "1e308", "-1e308", "1e-320", "0.5", "\"NaN\"", "\"Infinity\"",
            "\"\"", "\"x\"", "\"conv\"", "\"mlp\"", "\"bernoulli\"", "\"gaussian\"", "null", "true", "[]", "{}", "[1]", "[0]", "[-1]", "[1, 2, 3, 4]",
            "[4000000000]", "{\"a\": 1}", $"\"{new string('x', 100_000)}\"", "\"../../etc/passwd\"", "\"\\u0000\"",
        ];
        string[] paths = Leaves(JsonNode.Parse(description)!, string.Empty).ToArray();
        var random = new Random(2000);
        var inputs = Enumerable.Range(0, 2000).Select(i =>
        {
            string path = paths[random.Next(paths.Length)];
            string value = hostile[random.Next(hostile.Length)];
            return ($"model.json {path} = {value[..Math.Min(value.Length, 20)]} ({i})", Edit(description, path, value), weights);
        }).ToList();

        FuzzOutcomes outcomes = TryAll(inputs);

        outcomes.Total.Should().Be(2000);
        outcomes.Refused.Should().BeGreaterThan(1000, "most hostile values make the description invalid or the weights not fit");
        paths.Should().Contain(["architecture.latentSize", "architecture.inputShape", "weightsSha256", "formatVersion"]);
    }

    [Fact]
    public void Any_mix_of_weights_pending_weights_and_descriptions_loads_when_a_committed_file_is_whole_and_is_refused_otherwise()
    {
        // What a crash, a disk error or a user could leave: each of weights.bin and weights.bin.pending absent,
        // whole, cut, of random bytes, or a link; model.json whole or cut. 1 500 seeded combinations.
        var random = new Random(1500);
        string elsewhere = Path.Combine(template, "elsewhere.bin");
        File.WriteAllBytes(elsewhere, weights);
        int loaded = 0, refused = 0;
        var failures = new List<string>();
        for (int i = 0; i < 1500; i++)
        {
            foreach (string file in Directory.GetFiles(folder))
            {
                File.Delete(file);
            }

            int mainKind = random.Next(5), pendingKind = random.Next(5);
            bool wholeDescription = random.Next(4) > 0;
            File.WriteAllBytes(DescriptionPath, wholeDescription ? description : description[..random.Next(description.Length)]);
            WriteKind(WeightsPath, mainKind, random, elsewhere);
            WriteKind(WeightsPath + ".pending", pendingKind, random, elsewhere);
            bool shouldLoad = wholeDescription && (mainKind is 1 or 4 || pendingKind is 1 or 4);
            string name = $"#{i}: weights.bin {mainKind}, pending {pendingKind}, model.json {(wholeDescription ? "whole" : "cut")}";
            try
            {
                using (SavedModel.Load(folder))
                {
                }

                loaded++;
                if (!shouldLoad)
                {
                    failures.Add($"{name}: loaded");
                }
            }
            catch (ModelFormatException e) when (e.Message.StartsWith(folder, StringComparison.Ordinal))
            {
                refused++;
                if (shouldLoad)
                {
                    failures.Add($"{name}: refused: {e.Message}");
                }
            }
            catch (Exception e)
            {
                failures.Add($"{name}: {e.GetType().Name}: {e.Message}");
            }
        }

        failures.Should().BeEmpty();
        (loaded + refused).Should().Be(1500);
        loaded.Should().BeGreaterThan(500);
        refused.Should().BeGreaterThan(500);
    }

    /// <summary>0 absent, 1 whole, 2 cut, 3 random bytes of the same length, 4 a symbolic link to a whole copy.</summary>
    private void WriteKind(string path, int kind, Random random, string elsewhere)
    {
        switch (kind)
        {
            case 1:
                File.WriteAllBytes(path, weights);
                break;
            case 2:
                File.WriteAllBytes(path, weights[..random.Next(weights.Length)]);
                break;
            case 3:
                var bytes = new byte[weights.Length];
                random.NextBytes(bytes);
                File.WriteAllBytes(path, bytes);
                break;
            case 4:
                File.CreateSymbolicLink(path, elsewhere);
                break;
        }
    }

    private static IEnumerable<string> Leaves(JsonNode node, string prefix) => node switch
    {
        JsonObject obj => obj.SelectMany(entry => entry.Value is JsonObject child ? Leaves(child, $"{prefix}{entry.Key}.") : [$"{prefix}{entry.Key}"]),
        _ => [],
    };

    /// <summary>Returns the description with one property (a dotted path) set to a raw JSON value.</summary>
    private static byte[] Edit(byte[] json, string property, string value)
    {
        JsonNode root = JsonNode.Parse(json)!;
        string[] parts = property.Split('.');
        JsonObject parent = parts[..^1].Aggregate(root, (node, part) => node[part]!).AsObject();
        parent[parts[^1]] = JsonNode.Parse(value);
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private void Write(byte[] descriptionBytes, byte[] weightsBytes)
    {
        File.WriteAllBytes(DescriptionPath, descriptionBytes);
        File.WriteAllBytes(WeightsPath, weightsBytes);
    }

    /// <summary>Writes each folder and loads it: it must load, or throw a ModelFormatException naming one of its files, within 5 s.</summary>
    private FuzzOutcomes TryAll(IReadOnlyList<(string Name, byte[] Description, byte[] Weights)> inputs, params string[] expectedFragments) =>
        FuzzHarness.TryAll(
            inputs,
            input => input.Name,
            input => Write(input.Description, input.Weights),
            () =>
            {
                using SavedModel model = SavedModel.Load(folder);
            },
            e => e is ModelFormatException
                && (e.Message.StartsWith(DescriptionPath + ": ", StringComparison.Ordinal) || e.Message.StartsWith(WeightsPath + ": ", StringComparison.Ordinal))
                && (expectedFragments.Length == 0 || expectedFragments.Any(fragment => e.Message.Contains(fragment, StringComparison.Ordinal))));
}
