using System.CommandLine;
using VaeLib.Persistence;
using TorchSharp;
using VaeLib.Training;

namespace VaeLib.Cli.Commands;

/// <summary>Options every model command takes.</summary>
/// <param name="defaultOutput">The <c>--out</c> value when none is given; null leaves it unset (the command chooses).</param>
/// <param name="outputDescription">What <c>--out</c> names.</param>
internal sealed class ModelCommandOptions(string? defaultOutput, string outputDescription = "The PNG file to write.")
{
    public Option<string> Model { get; } = new("--model") { Description = "A saved model folder (a vae train run folder).", Required = true };

    public Option<string?> Output { get; } = defaultOutput is null
        ? new("--out") { Description = outputDescription }
        : new("--out") { Description = outputDescription, DefaultValueFactory = _ => defaultOutput };

    public Option<string> Device { get; } = new("--device") { Description = "auto, cpu or cuda.", DefaultValueFactory = _ => "auto" };

    public Option<int> Seed { get; } = new("--seed") { Description = "Seed of the random draws.", DefaultValueFactory = _ => 1 };

    public void AddTo(Command command)
    {
        Device.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        command.Add(Model);
        command.Add(Output);
        command.Add(Device);
        command.Add(Seed);
    }

    public SavedModel Load(ParseResult result)
    {
        SavedModel saved = SavedModel.Load(result.GetValue(Model)!);
        saved.Model.to(Enum.Parse<ComputeDevice>(result.GetValue(Device)!, ignoreCase: true).ToTorchDevice());
        return saved;
    }
}
