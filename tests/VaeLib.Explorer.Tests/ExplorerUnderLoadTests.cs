using System.Diagnostics;
using System.Net;
using System.Text.Json;
using VaeLib.Data;
using VaeLib.Likelihoods;
using VaeLib.Modules;
using static TorchSharp.torch;

namespace VaeLib.Explorer.Tests;

/// <summary>
/// The server under abuse: abandoned requests, bursts beyond the queue bound, and the addresses a user may choose.
/// The model's decoder sleeps on every pass, so that a queue of requests takes a time a test can measure.
/// </summary>
public sealed class ExplorerUnderLoadTests
{
    private const int LatentSize = 3;

    [Fact]
    public async Task Abandoned_requests_leave_the_queue_so_a_new_request_is_answered_promptly()
    {
        using var items = new TensorDataset(rand(20, 1, 8, 8, generator: new Generator(4)));
        using SlowModel slow = SlowModel.Create();
        LatentExplorer explorer = LatentExplorer.Create(slow.Model, new ExplorerData(items, "random"));
        await using ExplorerServer server = await ExplorerServer.StartAsync(explorer);
        using var client = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromMinutes(2) };
        slow.Decoder.DelayMilliseconds = 300;

        // 30 requests of 300 ms each: served to the end, they would hold the model for 9 s. Enough threads from the
        // start that every request is inside the server, waiting for the model, before its client leaves (with a
        // lock that blocks a thread, the pool would otherwise add threads slowly and the requests arrive late).
        ThreadPool.GetMinThreads(out int workers, out int completions);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), completions);
        try
        {
            const int abandoned = 30;
            using var leaving = new CancellationTokenSource();
            Task[] requests = Enumerable.Range(0, abandoned)
                .Select(i => Task.Run(async () =>
                {
                    try
                    {
                        using HttpResponseMessage response = await client.GetAsync($"/api/samples?count=256&seed={i}", leaving.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }))
                .ToArray();
            await Task.Delay(1000); // every request reaches the server and waits for the model
            await leaving.CancelAsync();
            await Task.WhenAll(requests);
            int passesWhenLeft = slow.Decoder.Passes;

            var clock = Stopwatch.StartNew();
            using HttpResponseMessage fresh = await client.GetAsync("/api/samples?count=4&seed=99");
            clock.Stop();
            fresh.StatusCode.Should().Be(HttpStatusCode.OK);
            // At most the pass under way when the others left, then this one's own: 0.6 s; a Monitor lock made it wait 8 s.
            clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(3), "requests whose clients went away must not keep the model");

            await Task.Delay(1000);
            // The pass under way, perhaps one handed the lock as its client left, and the fresh request's: nothing else runs.
            (slow.Decoder.Passes - passesWhenLeft).Should().BeLessThanOrEqualTo(3, "the abandoned requests' decodes are not run");
        }
        finally
        {
            ThreadPool.SetMinThreads(workers, completions);
        }
    }

    [Fact]
    public async Task Requests_beyond_the_queue_bound_get_429_with_retry_after_and_the_server_recovers()
    {
        using var items = new TensorDataset(rand(20, 1, 8, 8, generator: new Generator(4)));
        using SlowModel slow = SlowModel.Create();
        LatentExplorer explorer = LatentExplorer.Create(slow.Model, new ExplorerData(items, "random"));
        await using ExplorerServer server = await ExplorerServer.StartAsync(explorer, new ExplorerServerOptions { MaxQueuedRequests = 2 });
        using var client = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromMinutes(2) };
        slow.Decoder.DelayMilliseconds = 500;

        HttpResponseMessage[] answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => client.GetAsync($"/api/samples?count=4&seed={i}"))));
        try
        {
            HttpResponseMessage[] refused = answers.Where(answer => answer.StatusCode == HttpStatusCode.TooManyRequests).ToArray();
            answers.Should().OnlyContain(answer => answer.StatusCode == HttpStatusCode.OK || answer.StatusCode == HttpStatusCode.TooManyRequests);
            answers.Count(answer => answer.StatusCode == HttpStatusCode.OK).Should().BeGreaterThanOrEqualTo(2, "the bound lets 2 in");
            // 10 requests within the 1 s that the first two hold the model: all but those two (and any sent after they left) are refused.
            refused.Length.Should().BeGreaterThanOrEqualTo(4);
            foreach (HttpResponseMessage answer in refused)
            {
                answer.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
                using JsonDocument problem = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
                problem.RootElement.GetProperty("detail").GetString().Should().Contain("busy").And.Contain("2 requests");
            }
        }
        finally
        {
            foreach (HttpResponseMessage answer in answers)
            {
                answer.Dispose();
            }
        }

        // Every refused and finished request left the count: the next ones get in.
        slow.Decoder.DelayMilliseconds = 0;
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage next = await client.GetAsync("/api/samples?count=4");
            next.StatusCode.Should().Be(HttpStatusCode.OK);
        }
    }

    [Theory]
    [InlineData("127.0.0.2")]
    [InlineData("localhost")]
    public async Task The_address_the_user_chose_is_bound_and_served(string host)
    {
        using var items = new TensorDataset(rand(20, 1, 8, 8, generator: new Generator(4)));
        using SlowModel slow = SlowModel.Create();
        LatentExplorer explorer = LatentExplorer.Create(slow.Model, new ExplorerData(items, "random"));
        await using ExplorerServer server = await ExplorerServer.StartAsync(explorer, new ExplorerServerOptions { Host = host });
        server.Url.Port.Should().BePositive("port 0 picks a free port, for localhost too");
        using var client = new HttpClient { BaseAddress = server.Url };
        using HttpResponseMessage info = await client.GetAsync("/api/info");
        info.StatusCode.Should().Be(HttpStatusCode.OK, await info.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("[::1]", true)]
    [InlineData("LocalHost", true)]
    [InlineData("attacker.example", false)]
    [InlineData("127.0.0.1.attacker.example", false)]
    [InlineData("localhost.attacker.example", false)]
    [InlineData("10.0.0.1", false)]
    public void Only_loopback_names_pass_the_dns_rebinding_check(string host, bool served) =>
        ExplorerServer.IsLoopbackName(host).Should().Be(served);

    [Fact]
    public async Task A_listening_server_answers_503_until_it_serves_an_explorer()
    {
        await using ExplorerServer server = await ExplorerServer.ListenAsync();
        using var client = new HttpClient { BaseAddress = server.Url };
        using (HttpResponseMessage starting = await client.GetAsync("/api/info"))
        {
            starting.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            starting.Headers.RetryAfter!.Delta.Should().BePositive();
            (await starting.Content.ReadAsStringAsync()).Should().Contain("still encoding");
        }

        using var items = new TensorDataset(rand(20, 1, 8, 8, generator: new Generator(4)));
        using SlowModel slow = SlowModel.Create();
        LatentExplorer explorer = LatentExplorer.Create(slow.Model, new ExplorerData(items, "random"));
        server.Serve(explorer);
        using (HttpResponseMessage info = await client.GetAsync("/api/info"))
        {
            info.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var again = () => server.Serve(explorer);
        again.Should().Throw<InvalidOperationException>().WithMessage("*serves an explorer already*");
    }

    [Fact]
    public async Task A_port_in_use_fails_at_listen_with_an_io_exception()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        Func<Task> listen = () => ExplorerServer.ListenAsync(new ExplorerServerOptions { Port = port });
        await listen.Should().ThrowAsync<IOException>();
    }

    /// <summary>A small MLP model whose decoder can be made to sleep, and its parts to dispose.</summary>
    private sealed class SlowModel : IDisposable
    {
        private SlowModel(VariationalAutoencoder model, SlowDecoder decoder)
        {
            Model = model;
            Decoder = decoder;
        }

        public VariationalAutoencoder Model { get; }

        public SlowDecoder Decoder { get; }

        public static SlowModel Create()
        {
            manual_seed(7);
            var encoder = new MlpEncoder(new MlpEncoderOptions { InputShape = [1, 8, 8], HiddenSizes = [16] });
            var decoder = new SlowDecoder(new MlpDecoder(new MlpDecoderOptions { LatentSize = LatentSize, OutputShape = [1, 8, 8], HiddenSizes = [16] }));
            return new SlowModel(new VariationalAutoencoder(encoder, decoder, new BernoulliLikelihood()), decoder);
        }

        public void Dispose() => Model.Dispose();
    }

    /// <summary>An MLP decoder that sleeps before each pass (without using a core), as a large model computes.</summary>
    private sealed class SlowDecoder : Decoder
    {
        private readonly MlpDecoder inner;
        private volatile int delayMilliseconds;
        private int passes;

        public SlowDecoder(MlpDecoder inner)
            : base(nameof(SlowDecoder), inner.LatentSize, inner.OutputShape)
        {
            this.inner = inner;
            RegisterComponents();
        }

        public int DelayMilliseconds
        {
            get => delayMilliseconds;
            set => delayMilliseconds = value;
        }

        /// <summary>Forward passes started so far.</summary>
        public int Passes => Volatile.Read(ref passes);

        public override Tensor forward(Tensor input)
        {
            Interlocked.Increment(ref passes);
            if (delayMilliseconds > 0)
            {
                Thread.Sleep(delayMilliseconds);
            }

            return inner.call(input);
        }
    }
}
