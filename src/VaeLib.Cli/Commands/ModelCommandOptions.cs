using System.CommandLine;
using VaeLib.Persistence;
using TorchSharp;
using VaeLib.Training;

namespace VaeLib.Cli.Commands;

/// <summary>Options every model command takes.</summary>
internal sealed class ModelCommandOptions(string defaultOutput)
{
    public Option<string> Model { get; } = new("--model") { Description = "A saved model folder (a vae train run folder).", Required = true };

    public Option<string> Output { get; } = new("--out") { Description = "The PNG file to write.", DefaultValueFactory = _ => defaultOutput };

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
