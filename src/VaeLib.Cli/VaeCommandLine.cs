using System.CommandLine;
using VaeLib.Cli.Commands;

namespace VaeLib.Cli;

/// <summary>The <c>vae</c> command tree, with every numeric option's range attached (see <see cref="OptionLimits"/>).</summary>
internal static class VaeCommandLine
{
    public static RootCommand Create(Interrupts interrupts)
    {
        var root = new RootCommand("vae: train variational autoencoders and look at what they learned.")
        {
            TrainCommand.Create(interrupts),
            ModelCommands.Sample(),
            ModelCommands.Reconstruct(),
            ModelCommands.Interpolate(),
            ModelCommands.Traverse(),
            AnomalyCommand.Create(),
            ImputeCommand.Create(),
            EvaluateCommand.Create(),
            EncodeCommand.Create(),
            ExploreCommand.Create(),
            ExportCommand.Create(),
        };
        OptionLimits.Apply(root);
        return root;
    }
}
