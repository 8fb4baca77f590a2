namespace VaeLib.Tests;

public class Smoke
{
    [Fact]
    public void Ones() => TorchSharp.torch.ones(2).sum().item<float>().Should().Be(2);
}
