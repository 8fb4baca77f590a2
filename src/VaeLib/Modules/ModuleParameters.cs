using static TorchSharp.torch;

namespace VaeLib.Modules;

/// <summary>Checks on a module's parameters.</summary>
internal static class ModuleParameters
{
    /// <summary>The name of the first parameter that holds a NaN or an infinity, or null when all are finite.</summary>
    public static string? FirstNonFinite(nn.Module module)
    {
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in module.named_parameters())
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            if (!isfinite(parameter).all().item<bool>())
            {
                return name;
            }
        }

        return null;
    }
}
