using VaeLib.Data;
using VaeLib.Explorer;
using static TorchSharp.torch;

namespace VaeLib.Explorer.Tests;

/// <summary>
/// One explorer served on a loopback port for a test class: a small MLP VAE over 300 sprites (labelled images).
/// The weights are seeded, untrained: the endpoints' contracts do not depend on what the model learned.
/// </summary>
public sealed class ExplorerFixture : IAsyncLifetime
{
    public const string Collection = "Explorer server";
    public const int LatentSize = 6;

    public SpritesDataset Items { get; } = SpritesDataset.Generate(new SpritesOptions { Count = 300, ImageSize = 16, Seed = 5 });

    public VariationalAutoencoder Model { get; private set; } = null!;

    public LatentExplorer Explorer { get; private set; } = null!;

    public ExplorerServer Server { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        manual_seed(11);
        Model = VariationalAutoencoder.CreateMlp([1, 16, 16], LatentSize, [32]);

        Explorer = LatentExplorer.Create(Model, new ExplorerData(Items, "sprites"), new LatentExplorerOptions { AnomalyCount = 10 });
        Server = await ExplorerServer.StartAsync(Explorer, new ExplorerServerOptions { MaxRequestBodyBytes = 64 * 1024 });
        Client = new HttpClient { BaseAddress = Server.Url };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        Model.Dispose();
        Items.Dispose();
    }
}

/// <summary>The test classes that share one <see cref="ExplorerFixture"/> (and so one server), one after another.</summary>
[CollectionDefinition(ExplorerFixture.Collection)]
public sealed class ExplorerCollection : ICollectionFixture<ExplorerFixture>;
