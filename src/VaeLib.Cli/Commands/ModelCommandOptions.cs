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

    public Option<long> MaxParameters { get; } = MaxParametersOption("A saved model with more parameters is refused before it is allocated.");

    public void AddTo(Command command)
    {
        Device.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        command.Add(Model);
        command.Add(Output);
        command.Add(Device);
        command.Add(Seed);
        command.Add(MaxParameters);
    }

    /// <summary>The <c>--max-parameters</c> option: the model size limit, by default the library's.</summary>
    /// <param name="consequence">What happens above it, for the help text.</param>
    public static Option<long> MaxParametersOption(string consequence) => new("--max-parameters")
    {
        Description = $"The most parameters a model may have (default {VaeArchitecture.DefaultMaxParameterCount}, 256 MiB of float32 weights). {consequence}",
        DefaultValueFactory = _ => VaeArchitecture.DefaultMaxParameterCount,
    };

    public SavedModel Load(ParseResult result)
    {
        SavedModel saved = SavedModel.Load(result.GetValue(Model)!, maxParameterCount: result.GetValue(MaxParameters));
        saved.Model.to(Enum.Parse<ComputeDevice>(result.GetValue(Device)!, ignoreCase: true).ToTorchDevice());
        return saved;
    }
}
