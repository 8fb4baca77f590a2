namespace VaeLib.Tests;

/// <summary>
/// Tests that seed TorchSharp's global generator (which initialises module weights) run alone, so that other
/// test classes drawing from it in parallel cannot change their starting weights.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalRandomStateCollection
{
    public const string Name = "Global random state";
}
