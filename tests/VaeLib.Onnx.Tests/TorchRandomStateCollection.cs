namespace VaeLib.Onnx.Tests;

/// <summary>Tests that seed TorchSharp's global generator (model initialization) run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class TorchRandomStateCollection
{
    public const string Name = "TorchSharp global random state";
}
