using System.Diagnostics;
using VaeLib.Persistence;
using static TorchSharp.torch;

namespace VaeLib.Tests.Persistence;

/// <summary>Files that are not what a saved model's files should be are refused quickly, and links are followed.</summary>
public sealed class SavedModelIntegrityTests : IDisposable
{
    private static readonly VaeArchitecture Architecture = new() { InputShape = [12], HiddenSizes = [8], LatentSize = 2 };
    private readonly string folder = Directory.CreateTempSubdirectory("vaelib-integrity-").FullName;

    [Fact]
    public void A_sparse_20_GB_weights_file_is_refused_by_its_size_without_reading_it()
    {
        Save();
        using (var stream = new FileStream(Path.Combine(folder, "weights.bin"), FileMode.Open))
        {
            stream.SetLength(20L << 30);
        }

        var clock = Stopwatch.StartNew();
        FluentActions.Invoking(() => SavedModel.Load(folder)).Should().Throw<ModelFormatException>()
            .WithMessage("*weights.bin: 21474836480 bytes, where the model that model.json describes takes exactly *");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2), "hashing 20 GB would take minutes");
    }

    [Fact]
    public void A_tampered_condition_size_is_refused_by_the_size_check_before_the_model_is_built()
    {
        Save();
        string description = Path.Combine(folder, "model.json");
        File.WriteAllText(description, File.ReadAllText(description).Replace("\"conditionSize\": 0", "\"conditionSize\": 5000000", StringComparison.Ordinal));

        long before = GC.GetTotalAllocatedBytes(precise: true);
        FluentActions.Invoking(() => SavedModel.Load(folder)).Should().Throw<ModelFormatException>().WithMessage("*weights.bin*cannot hold*");
        (GC.GetTotalAllocatedBytes(precise: true) - before).Should().BeLessThan(10_000_000, "a 5 000 000-wide decoder input is never allocated");
    }

    [Fact]
    public void A_symbolic_link_to_the_weights_is_followed()
    {
        Save();
        string elsewhere = Path.Combine(folder, "elsewhere.bin");
        File.Move(Path.Combine(folder, "weights.bin"), elsewhere);
        File.CreateSymbolicLink(Path.Combine(folder, "weights.bin"), elsewhere);

        using SavedModel loaded = SavedModel.Load(folder);

        loaded.Architecture.LatentSize.Should().Be(2);
    }

    [Fact]
    public async Task A_model_description_that_is_a_fifo_is_refused_instead_of_waiting_for_a_writer()
    {
        Save();
        string description = Path.Combine(folder, "model.json");
        File.Delete(description);
        using (Process mkfifo = Process.Start("mkfifo", description))
        {
            mkfifo.WaitForExit();
            mkfifo.ExitCode.Should().Be(0);
        }

        Task<Exception> load = Task.Run(() => Record.Exception(() => SavedModel.Load(folder)));

        (await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(10)))).Should().BeSameAs(load, "loading must not block on a FIFO");
        (await load).Should().BeOfType<ModelFormatException>().Which.Message.Should().Contain("model.json").And.Contain("not a regular file");
    }

    [Fact]
    public void A_model_description_padded_to_300_MB_is_refused_before_it_is_read()
    {
        Save();
        using (var stream = new FileStream(Path.Combine(folder, "model.json"), FileMode.Open))
        {
            stream.SetLength(300L << 20);
        }

        long before = GC.GetTotalAllocatedBytes(precise: true);
        FluentActions.Invoking(() => SavedModel.Load(folder)).Should().Throw<ModelFormatException>()
            .WithMessage("*model.json*314572800 bytes*at most 16777216*");
        (GC.GetTotalAllocatedBytes(precise: true) - before).Should().BeLessThan(1 << 20);
    }

    [Fact]
    public void A_model_with_a_nan_weight_is_refused_at_load_naming_the_parameter()
    {
        manual_seed(5);
        using var model = Architecture.Build();
        using (no_grad())
        {
            TorchSharp.Modules.Parameter parameter = model.named_parameters().Last().parameter;
            parameter[0] = tensor(float.NaN);
        }

        string name = model.named_parameters().Last().name;
        new SavedModel(model, Architecture, new Dictionary<string, string>()).Save(folder);

        FluentActions.Invoking(() => SavedModel.Load(folder)).Should().Throw<ModelFormatException>()
            .WithMessage($"*weights.bin*parameter '{name}' holds NaN or infinite values*");
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private void Save()
    {
        manual_seed(5);
        using var model = Architecture.Build();
        new SavedModel(model, Architecture, new Dictionary<string, string>()).Save(folder);
    }
}
