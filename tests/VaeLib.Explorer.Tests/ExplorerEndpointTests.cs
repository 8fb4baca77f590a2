using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SkiaSharp;
using VaeLib.Evaluation;
using static TorchSharp.torch;

namespace VaeLib.Explorer.Tests;

/// <summary>The HTTP API against a real Kestrel on a loopback port.</summary>
[Collection(ExplorerFixture.Collection)]
public sealed class ExplorerEndpointTests(ExplorerFixture fixture)
{
    private const int Size = ExplorerFixture.LatentSize;
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public void Server_listens_on_loopback_only_by_default()
    {
        fixture.Server.Url.Host.Should().Be("127.0.0.1");
        fixture.Server.Url.Port.Should().BePositive();
    }

    [Fact]
    public async Task Info_describes_the_model_and_ranks_dimensions_by_kl()
    {
        using JsonDocument info = await GetJson("/api/info");
        JsonElement root = info.RootElement;
        root.GetProperty("latentSize").GetInt32().Should().Be(Size);
        root.GetProperty("itemCount").GetInt64().Should().Be(300);
        root.GetProperty("isTable").GetBoolean().Should().BeFalse();
        root.GetProperty("itemShape").EnumerateArray().Select(e => e.GetInt64()).Should().Equal(1, 16, 16);
        root.GetProperty("labelNames").GetArrayLength().Should().Be(fixture.Items.LabelNames.Count);

        double[] kl = root.GetProperty("klPerDimension").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        using (LatentCodes codes = LatentCodes.Encode(fixture.Model, fixture.Items))
        {
            kl.Should().Equal(LatentDiagnostics.Of(codes).KlPerDimension, (a, b) => Math.Abs(a - b) < 1e-9);
        }

        int[] order = root.GetProperty("dimensionsByUse").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        order.Should().BeEquivalentTo(Enumerable.Range(0, Size));
        order.Select(d => kl[d]).Should().BeInDescendingOrder();
    }

    [Fact]
    public async Task Page_and_its_files_are_served_from_the_assembly()
    {
        using HttpResponseMessage page = await client.GetAsync("/");
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        string html = await page.Content.ReadAsStringAsync();
        html.Should().Contain("<script src=\"/app.js\"").And.NotContain("http://").And.NotContain("https://");
        page.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("default-src 'self'");

        (await client.GetAsync("/app.js")).Content.Headers.ContentType!.MediaType.Should().Be("text/javascript");
        (await client.GetAsync("/app.css")).Content.Headers.ContentType!.MediaType.Should().Be("text/css");
    }

    [Fact]
    public async Task Decode_returns_the_png_of_the_likelihood_mean_exactly_and_the_same_bytes_every_time()
    {
        double[] z = [0.5, -1.25, 2, 0, -0.75, 1.5];
        byte[] first = await PostPng("/api/decode", new { z });
        byte[] second = await PostPng("/api/decode", new { z });
        second.Should().Equal(first);

        byte[] expected;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            Tensor mean = fixture.Model.Likelihood.Mean(fixture.Model.Decode(tensor(z.Select(v => (float)v).ToArray(), [1, Size])));
            expected = mean.clamp(0, 1).mul(255).round().to_type(ScalarType.Byte).flatten().data<byte>().ToArray();
        }

        GreyPixels(first, 16, 16).Should().Equal(expected);
        GreyPixels(await PostPng("/api/decode", new { z = new double[Size] }), 16, 16).Should().NotEqual(expected, "another z decodes to another image");
    }

    [Fact]
    public async Task Item_code_is_the_encoders_mean_and_its_pictures_are_the_input_and_reconstruction()
    {
        using JsonDocument item = await GetJson("/api/items/7");
        float[] mean = item.RootElement.GetProperty("mean").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        float[] sigma = item.RootElement.GetProperty("standardDeviation").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        item.RootElement.GetProperty("labelName").GetString().Should().Be(fixture.Items.LabelNames[fixture.Items.Labels[7]]);
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var posterior = fixture.Model.Encode(fixture.Items.GetBatch(tensor(new long[] { 7 })));
            // Encoded at start-up in a batch of 300, here alone: the same up to float rounding of the matrix products.
            mean.Should().Equal(posterior.Mean.flatten().data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-5);
            sigma.Should().Equal(posterior.StandardDeviation.flatten().data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);

            byte[] input = GreyPixels(await GetPng("/api/items/7/input"), 16, 16);
            input.Should().Equal(fixture.Items.GetBatch(tensor(new long[] { 7 })).mul(255).round().to_type(ScalarType.Byte).flatten().data<byte>().ToArray());
        }

        byte[] reconstruction = await GetPng("/api/items/7/reconstruction");
        byte[] decodedMean = await PostPng("/api/decode", new { z = mean.Select(v => (double)v).ToArray() });
        reconstruction.Should().Equal(decodedMean, "the reconstruction decodes z = μ");
    }

    [Fact]
    public async Task Encode_of_an_items_values_gives_its_code()
    {
        float[] values = fixture.Items.GetBatch(tensor(new long[] { 3 })).flatten().data<float>().ToArray();
        using HttpResponseMessage response = await client.PostAsJsonAsync("/api/encode", new { x = values });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using JsonDocument code = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        using JsonDocument item = await GetJson("/api/items/3");
        code.RootElement.GetProperty("mean").EnumerateArray().Select(e => e.GetSingle()).Should().Equal(
            item.RootElement.GetProperty("mean").EnumerateArray().Select(e => e.GetSingle()), (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Theory]
    [InlineData(3, 1e38, "x[3] is 1E+38; an image's values are pixel intensities in [0, 1]")]
    [InlineData(0, -5, "x[0] is -5; an image's values are pixel intensities in [0, 1]")]
    [InlineData(255, 1000, "x[255] is 1000")]
    [InlineData(17, 1.0001, "x[17] is 1.0001")]
    public async Task Encode_refuses_pixel_intensities_outside_0_to_1_naming_the_index(int index, double value, string message)
    {
        double[] x = new double[256];
        x[index] = value;
        using HttpResponseMessage response = await client.PostAsJsonAsync("/api/encode", new { x });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("detail").GetString().Should().Contain(message);

        x[index] = 1;
        using HttpResponseMessage edge = await client.PostAsJsonAsync("/api/encode", new { x });
        edge.StatusCode.Should().Be(HttpStatusCode.OK, "0 and 1 are in range");
    }

    [Fact]
    public async Task Map_projects_every_item_on_the_principal_components_or_on_two_chosen_dimensions()
    {
        using LatentCodes codes = LatentCodes.Encode(fixture.Model, fixture.Items);
        using JsonDocument pca = await GetJson("/api/map");
        float[] x = pca.RootElement.GetProperty("x").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        x.Should().HaveCount(300);
        pca.RootElement.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(fixture.Items.Labels);
        using (Tensor projected = PrincipalComponents.Project(codes.Mean, 2))
        {
            x.Should().Equal(projected.select(1, 0).to_type(ScalarType.Float32).data<float>().ToArray());
        }

        using JsonDocument dims = await GetJson("/api/map?x=4&y=1");
        dims.RootElement.GetProperty("xAxis").GetString().Should().Be("z 4");
        dims.RootElement.GetProperty("y").EnumerateArray().Select(e => e.GetSingle())
            .Should().Equal(codes.Mean.select(1, 1).contiguous().data<float>().ToArray());
    }

    [Fact]
    public async Task Samples_repeat_for_a_seed_and_change_with_it_and_with_the_temperature()
    {
        byte[] first = await GetPng("/api/samples?count=9&temperature=1&seed=4");
        (await GetPng("/api/samples?count=9&temperature=1&seed=4")).Should().Equal(first);
        (await GetPng("/api/samples?count=9&temperature=1&seed=5")).Should().NotEqual(first);
        (await GetPng("/api/samples?count=9&temperature=0.2&seed=4")).Should().NotEqual(first);
        using SKBitmap grid = SKBitmap.Decode(first);
        grid.Width.Should().Be(2 + (3 * ((16 * 2) + 2)), "3 columns of 16-pixel images at scale 2 with 2-pixel padding");
    }

    [Fact]
    public async Task Interpolation_gives_one_frame_per_step_starting_at_the_first_code()
    {
        double[] from = [1, 0, 0, 0, 0, 0];
        double[] to = [0, -2, 0, 0, 1, 0];
        foreach (string path in new[] { "linear", "spherical" })
        {
            byte[] png = await PostPng("/api/interpolate", new { from, to, steps = 5, path });
            using SKBitmap frames = SKBitmap.Decode(png);
            frames.Width.Should().Be(2 + (5 * 34));
        }

        // The straight line's first frame is exactly 'from' (t = 0); the great circle's only up to rounding.
        using SKBitmap strip = SKBitmap.Decode(await PostPng("/api/interpolate", new { from, to, steps = 5, path = "linear" }));
        using SKBitmap start = SKBitmap.Decode(await PostPng("/api/decode", new { z = from }));
        for (int y = 0; y < 16; y++)
        {
            for (int x = 0; x < 16; x++)
            {
                strip.GetPixel(2 + (2 * x), 2 + (2 * y)).Should().Be(start.GetPixel(x, y));
            }
        }
    }

    [Fact]
    public async Task Anomalies_are_the_highest_scores_in_order()
    {
        using JsonDocument anomalies = await GetJson("/api/anomalies");
        JsonElement[] items = anomalies.RootElement.GetProperty("items").EnumerateArray().ToArray();
        items.Should().HaveCount(10);
        double[] expected = new AnomalyScorer(fixture.Model, new AnomalyScorerOptions { RelativeToPerfectFit = true }).Score(fixture.Items);
        int[] top = Enumerable.Range(0, expected.Length).OrderByDescending(i => expected[i]).ThenBy(i => i).Take(10).ToArray();
        items.Select(item => item.GetProperty("index").GetInt32()).Should().Equal(top);
        items.Select(item => item.GetProperty("score").GetDouble()).Should().Equal(top.Select(i => expected[i]));
    }

    [Theory]
    [InlineData("POST", "/api/decode", "{\"z\":[1,2,3]}", "z must hold 6 values")]
    [InlineData("POST", "/api/decode", "{\"z\":[0,0,\"NaN\",0,0,0]}", "z[2] is \"NaN\"")]
    [InlineData("POST", "/api/decode", "{\"z\":[0,0,0,null,0,0]}", "z[3] is null")]
    [InlineData("POST", "/api/decode", "{\"z\":[0,0,0,0,1e999,0]}", "z[4] is 1e999")]
    [InlineData("POST", "/api/decode", "{\"z\":[0,0,0,0,0,1e300]}", "z[5] is 1E+300")]
    [InlineData("POST", "/api/decode", "{\"w\":[]}", "array field 'z'")]
    [InlineData("POST", "/api/decode", "{\"z\":[0,0", "not valid JSON")]
    [InlineData("POST", "/api/decode", "[0,0,0,0,0,0]", "must be a JSON object")]
    [InlineData("POST", "/api/encode", "{\"x\":[0.5]}", "x must hold 256 values")]
    [InlineData("GET", "/api/items/300", null, "Item 300 does not exist: the items are numbered 0 to 299")]
    [InlineData("GET", "/api/items/-1/input", null, "Item -1 does not exist")]
    [InlineData("GET", "/api/items/seven/reconstruction", null, "must be an integer; found 'seven'")]
    [InlineData("GET", "/api/map?x=6&y=0", null, "'x' must be between 0 and 5")]
    [InlineData("GET", "/api/map?x=1", null, "both map dimensions")]
    [InlineData("GET", "/api/samples?count=0", null, "'count' must be between 1 and 256")]
    [InlineData("GET", "/api/samples?temperature=NaN", null, "must be a finite number; found 'NaN'")]
    [InlineData("GET", "/api/samples?temperature=0", null, "temperature must be a number in (0, 10]")]
    [InlineData("POST", "/api/interpolate", "{\"from\":[0,0,0,0,0,0],\"to\":[1,1,1,1,1,1],\"steps\":1}", "steps must be between 2 and 64")]
    [InlineData("POST", "/api/interpolate", "{\"from\":[0,0,0,0,0,0],\"to\":[1,1,1,1,1,1],\"path\":\"curly\"}", "'path' must be \"linear\" or \"spherical\"")]
    [InlineData("GET", "/api/anomalies?count=11", null, "'count' must be between 1 and 10")]
    public async Task Bad_request_gets_400_with_a_message_that_says_what_is_wrong(string method, string path, string? body, string message)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using HttpResponseMessage response = await client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("detail").GetString().Should().Contain(message);
    }

    [Fact]
    public async Task Loopback_server_refuses_requests_for_another_host_name()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/info");
        request.Headers.Host = "attacker.example";
        using HttpResponseMessage response = await client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("'attacker.example' is not served");

        foreach (string name in new[] { "localhost", "127.0.0.2", "[::1]" })
        {
            // Any loopback address names this machine (a user may have chosen --host 127.0.0.2); none can be rebound.
            using var local = new HttpRequestMessage(HttpMethod.Get, "/api/info");
            local.Headers.Host = $"{name}:{fixture.Server.Url.Port}";
            (await client.SendAsync(local)).StatusCode.Should().Be(HttpStatusCode.OK, name);
        }
    }

    [Fact]
    public async Task Oversized_body_gets_400_whether_or_not_its_length_is_announced()
    {
        string huge = "{\"z\":[" + string.Join(',', Enumerable.Repeat("0.125", 20_000)) + "]}";
        // Expect: 100-continue, as a careful client sends a large body: the server refuses on the announced length
        // without asking for the body, so the answer cannot race the upload (without it, the server's early answer
        // and close could cut the client's write with a broken pipe before it reads the 400).
        using var announcedRequest = new HttpRequestMessage(HttpMethod.Post, "/api/decode") { Content = new StringContent(huge, Encoding.UTF8, "application/json") };
        announcedRequest.Headers.ExpectContinue = true;
        using HttpResponseMessage announced = await client.SendAsync(announcedRequest);
        announced.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await announced.Content.ReadAsStringAsync()).Should().Contain("the limit is 65536");

        // A streamed body has no Content-Length; Kestrel's limit stops it as it arrives. The server answers once the
        // limit is passed, while the client may still be writing the rest, so a write can be cut by the server's
        // close; an attempt cut that way is repeated (at most three), and one must get the 400 with its message.
        HttpResponseMessage? chunked = null;
        for (int attempt = 0; attempt < 3 && chunked is null; attempt++)
        {
            using var streamed = new HttpRequestMessage(HttpMethod.Post, "/api/decode")
            {
                Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge))),
            };
            streamed.Headers.TransferEncodingChunked = true;
            streamed.Content.Headers.ContentType = new("application/json");
            try
            {
                chunked = await client.SendAsync(streamed);
            }
            catch (HttpRequestException exception) when (exception.InnerException is IOException)
            {
            }
        }

        chunked.Should().NotBeNull("one of three streamed uploads must get the server's answer");
        using (chunked)
        {
            chunked!.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            (await chunked.Content.ReadAsStringAsync()).Should().Contain("limit");
        }

        (await client.GetAsync("/api/info")).StatusCode.Should().Be(HttpStatusCode.OK, "the server keeps serving");
    }

    [Fact]
    public async Task Concurrent_decodes_and_bad_requests_leave_every_answer_as_it_would_be_alone()
    {
        double[][] codes = Enumerable.Range(0, 24).Select(i => Enumerable.Range(0, Size).Select(d => Math.Sin((i * 7) + d) * 2).ToArray()).ToArray();
        var alone = new List<byte[]>();
        foreach (double[] z in codes)
        {
            alone.Add(await PostPng("/api/decode", new { z }));
        }

        Task<byte[]>[] together = codes.Select(z => Task.Run(() => PostPng("/api/decode", new { z }))).ToArray();
        Task<HttpResponseMessage>[] bad = Enumerable.Range(0, 24)
            .Select(i => Task.Run(() => client.PostAsync("/api/decode", new StringContent("{\"z\":[1]}", Encoding.UTF8, "application/json"))))
            .ToArray();
        byte[][] results = await Task.WhenAll(together);
        HttpResponseMessage[] refused = await Task.WhenAll(bad);

        for (int i = 0; i < codes.Length; i++)
        {
            results[i].Should().Equal(alone[i], $"request {i} decodes its own z");
        }

        refused.Should().OnlyContain(response => response.StatusCode == HttpStatusCode.BadRequest);
        foreach (HttpResponseMessage response in refused)
        {
            response.Dispose();
        }
    }

    private static byte[] GreyPixels(byte[] png, int width, int height)
    {
        using SKBitmap bitmap = SKBitmap.Decode(png);
        bitmap.Width.Should().Be(width);
        bitmap.Height.Should().Be(height);
        var grey = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                SKColor colour = bitmap.GetPixel(x, y);
                colour.Red.Should().Be(colour.Green);
                grey[(y * width) + x] = colour.Red;
            }
        }

        return grey;
    }

    private async Task<JsonDocument> GetJson(string path)
    {
        using HttpResponseMessage response = await client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private async Task<byte[]> GetPng(string path)
    {
        using HttpResponseMessage response = await client.GetAsync(path);
        return await PngOf(response);
    }

    private async Task<byte[]> PostPng(string path, object body)
    {
        using HttpResponseMessage response = await client.PostAsJsonAsync(path, body);
        return await PngOf(response);
    }

    private static async Task<byte[]> PngOf(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.Should().Be("image/png");
        byte[] png = await response.Content.ReadAsByteArrayAsync();
        png.Take(8).Should().Equal(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A);
        return png;
    }
}
