using VaeLib.Persistence;
using VaeLib.Tests.Storage;
using static TorchSharp.torch;

namespace VaeLib.Tests.Persistence;

/// <summary>
/// A model folder being replaced by a new save loads, at every instant a kill or a full disk could stop the save, as
/// the previous model or the new one — never as neither, never as a mix — and the next save cleans up after it.
/// </summary>
public sealed class SavedModelAtomicityTests : IDisposable
{
    private static readonly VaeArchitecture Architecture = new() { InputShape = [12], HiddenSizes = [8], LatentSize = 2 };
    private readonly string root = Directory.CreateTempSubdirectory("vaelib-atomic-model-").FullName;

    [Fact]
    public void A_save_killed_at_any_step_leaves_the_previous_model_or_the_new_one()
    {
        string folder = Path.Combine(root, "model");
        string previous = SaveGeneration(folder, "previous", seed: 1);
        var recorder = new KillPointRecorder(folder);
        string next = Generation("next", seed: 2, model => model.Save(folder, recorder));

        var seen = new List<string>();
        for (int i = 0; i < recorder.States.Count; i++)
        {
            (string where, Dictionary<string, byte[]> files) = recorder.States[i];
            string restored = Path.Combine(root, $"killed-{i}");
            KillPointRecorder.Restore(files, restored);

            string loaded = LoadedGeneration(restored, where);
            loaded.Should().BeOneOf([previous, next], $"killed {where}");
            seen.Add(loaded);

            // The next save over what the killed one left replaces it and leaves only the model's two files.
            string after = SaveGeneration(restored, $"after-{i}", seed: 3);
            LoadedGeneration(restored, where).Should().Be(after);
            Directory.GetFiles(restored).Select(Path.GetFileName).Should().BeEquivalentTo(["model.json", "weights.bin"], $"stale files of the save killed {where} are cleaned");
        }

        seen[0].Should().Be(previous);
        seen[^1].Should().Be(next);
        recorder.States.Should().HaveCountGreaterThan(8, "the save has that many steps: two writes, flushes, renames and folder flushes");
    }

    [Fact]
    public void A_first_save_killed_at_any_step_leaves_no_model_or_the_new_one()
    {
        string folder = Path.Combine(root, "first");
        Directory.CreateDirectory(folder);
        var recorder = new KillPointRecorder(folder);
        string next = Generation("next", seed: 2, model => model.Save(folder, recorder));

        for (int i = 0; i < recorder.States.Count; i++)
        {
            (string where, Dictionary<string, byte[]> files) = recorder.States[i];
            string restored = Path.Combine(root, $"first-killed-{i}");
            KillPointRecorder.Restore(files, restored);
            if (files.ContainsKey("model.json"))
            {
                LoadedGeneration(restored, where).Should().Be(next, $"model.json is renamed into place only once the weights are complete (killed {where})");
            }
            else
            {
                FluentActions.Invoking(() => SavedModel.Load(restored)).Should().Throw<ModelFormatException>().WithMessage("*not a saved VaeLib model*");
            }
        }

        recorder.States.Should().Contain(state => !state.Files.ContainsKey("model.json"))
            .And.Contain(state => state.Files.ContainsKey("model.json") && state.Files.ContainsKey("weights.bin.pending") && !state.Files.ContainsKey("weights.bin"));
    }

    [Fact]
    public void A_full_disk_at_any_step_of_a_save_keeps_the_previous_model_and_the_next_save_succeeds()
    {
        var dryRun = new FailingAtStep(int.MaxValue);
        string probe = Path.Combine(root, "probe");
        SaveGeneration(probe, "previous", seed: 1);
        Generation("next", seed: 2, model => model.Save(probe, dryRun));
        int steps = dryRun.Seen.Count;
        int commit = dryRun.Seen.FindIndex(step => step == VaeLib.Storage.StorageStep.Renamed);

        for (int failing = 0; failing < steps; failing++)
        {
            string folder = Path.Combine(root, $"full-{failing}");
            string previous = SaveGeneration(folder, "previous", seed: 1);
            string? attempted = null;
            Action save = () => attempted = Generation("next", seed: 2, model => model.Save(folder, new FailingAtStep(failing)));

            save.Should().Throw<IOException>().WithMessage("*No space left on device*");
            string loaded = LoadedGeneration(folder, $"after a full disk at step {failing}");
            if (failing < commit)
            {
                loaded.Should().Be(previous, $"the disk filled at step {failing}, before the new model.json was renamed into place");
            }

            string after = SaveGeneration(folder, "after", seed: 3);
            LoadedGeneration(folder, "after space was freed").Should().Be(after);
            Directory.GetFiles(folder).Select(Path.GetFileName).Should().BeEquivalentTo(["model.json", "weights.bin"]);
        }
    }

    [Fact]
    public void A_folder_whose_save_was_killed_after_its_commit_loads_the_new_model_from_the_pending_weights()
    {
        string folder = Path.Combine(root, "model");
        SaveGeneration(folder, "previous", seed: 1);
        var recorder = new KillPointRecorder(folder);
        string next = Generation("next", seed: 2, model => model.Save(folder, recorder));
        (string where, Dictionary<string, byte[]> files) = recorder.States.First(state => state.Where == "after Renamed of model.json");
        string restored = Path.Combine(root, "restored");
        KillPointRecorder.Restore(files, restored);
        File.SetAttributes(Path.Combine(restored, "weights.bin.pending"), FileAttributes.ReadOnly);

        LoadedGeneration(restored, where).Should().Be(next);
        File.Exists(Path.Combine(restored, "weights.bin.pending")).Should().BeTrue("loading never writes to the folder");
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static string SaveGeneration(string folder, string name, int seed) => Generation(name, seed, model => model.Save(folder));

    /// <summary>Builds a model with seeded weights, hands it to <paramref name="save"/>, and returns its generation's signature.</summary>
    private static string Generation(string name, int seed, Action<SavedModel> save)
    {
        manual_seed(seed);
        using var model = new SavedModel(Architecture.Build(), Architecture, new Dictionary<string, string> { ["generation"] = name });
        string signature = Signature(model);
        save(model);
        return signature;
    }

    private static string LoadedGeneration(string folder, string where)
    {
        SavedModel loaded;
        try
        {
            loaded = SavedModel.Load(folder);
        }
        catch (ModelFormatException exception)
        {
            throw new InvalidOperationException($"The folder killed {where} does not load: {exception.Message}", exception);
        }

        using (loaded)
        {
            return Signature(loaded);
        }
    }

    /// <summary>The generation's name with a checksum of its weights, so that a mix of two generations matches neither.</summary>
    private static string Signature(SavedModel model)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            model.Model.save(writer);
        }

        return $"{model.Metadata["generation"]}:{Checksum.Of(stream.ToArray())}";
    }
}
