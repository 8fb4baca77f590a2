using TorchSharp; Console.WriteLine(torch.ones(2,3).sum().item<float>());
