using System.CommandLine;
using System.Text.Json;
using Hpo.LcPfn.Model;
using Hpo.LcPfn.Training;
using Hpo.Testing;

namespace Hpo.Cli.Tests.LcPfn;

public sealed class LcPfnCommandTests : IClassFixture<LcPfnCommandTests.TinyModelFile>
{
    private readonly string _model;

    public LcPfnCommandTests(TinyModelFile model) => _model = model.Path;

    private static async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await HpoCommandLine.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Help_Lcpfn_ListsTheThreeCommands()
    {
        var (code, output, _) = await RunAsync("lcpfn", "--help");

        Assert.Equal(0, code);
        Assert.Contains("train", output, StringComparison.Ordinal);
        Assert.Contains("eval", output, StringComparison.Ordinal);
        Assert.Contains("predict", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_Json_ReportsEveryRequestedEpoch()
    {
        var (code, output, error) = await RunAsync("lcpfn", "predict", "--model", _model, "--curve", "0.41,0.55,0.61,0.64", "--at", "8,20", "--threshold", "0.7", "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var predictions = json.RootElement.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(new[] { 8, 20 }, predictions.Select(p => p.GetProperty("epoch").GetInt32()));
        foreach (var p in predictions)
        {
            double q05 = p.GetProperty("quantiles").GetProperty("0.05").GetDouble();
            double q95 = p.GetProperty("quantiles").GetProperty("0.95").GetDouble();
            Assert.True(q05 < p.GetProperty("median").GetDouble() && p.GetProperty("median").GetDouble() < q95);
            Assert.InRange(p.GetProperty("probabilityAbove").GetDouble(), 0, 1);
        }
    }

    [Theory]
    [InlineData("0.4,NaN", "5", "item 2 is NaN")]
    [InlineData("0.4,abc", "5", "item 2 ('abc') is not a number")]
    [InlineData("0.4,0.5", "21", "outside the model's range 1..20")]
    [InlineData("40,50", "5", "outside the range this model supports")]
    [InlineData("0.4,,0.5", "5", "empty item")]
    public async Task Predict_BadInput_ExitsTwoNamingTheProblem(string curve, string at, string expected)
    {
        var (code, output, error) = await RunAsync("lcpfn", "predict", "--model", _model, "--curve", curve, "--at", at);

        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Predict_MissingModelFile_ExitsTwoNamingIt()
    {
        var (code, _, error) = await RunAsync("lcpfn", "predict", "--model", "/nonexistent/m.lcpfn", "--curve", "0.4", "--at", "5");

        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/m.lcpfn", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_Json_PrintsOneResultPerCutoffAndKeepsProgressOffStdout()
    {
        var (code, output, error) = await RunAsync("lcpfn", "eval", "--model", _model, "--curves", "12", "--cutoffs", "5,10", "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var results = json.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(new[] { 5, 10 }, results.Select(r => r.GetProperty("cutoff").GetInt32()));
        Assert.All(results, r => Assert.InRange(r.GetProperty("coverage90").GetDouble(), 0, 1));
        Assert.Contains("eval:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_NoiseScaleThree_ScoresNoisierCurvesLowerAndSaysSo()
    {
        // The shipped model (found beside the app): a near-random model's score says nothing about noise.
        var (code1, plain, error1) = await RunAsync("lcpfn", "eval", "--curves", "100", "--cutoffs", "20", "--json");
        var (code3, noisy, error3) = await RunAsync("lcpfn", "eval", "--curves", "100", "--cutoffs", "20", "--noise-scale", "3", "--json");

        Assert.True(code1 == 0, error1);
        Assert.True(code3 == 0, error3);
        using var a = JsonDocument.Parse(plain);
        using var b = JsonDocument.Parse(noisy);
        Assert.Equal(3.0, b.RootElement.GetProperty("noiseScale").GetDouble());
        double llPlain = a.RootElement.GetProperty("results")[0].GetProperty("logLikelihood").GetDouble();
        double llNoisy = b.RootElement.GetProperty("results")[0].GetProperty("logLikelihood").GetDouble();
        Assert.True(llNoisy < llPlain, $"noisier curves should be harder to predict: {llNoisy} vs {llPlain}");
    }

    [Fact]
    public async Task Eval_NoiseScaleZero_ExitsTwoNamingIt()
    {
        var (code, _, error) = await RunAsync("lcpfn", "eval", "--model", _model, "--noise-scale", "0");

        Assert.Equal(2, code);
        Assert.Contains("noise scale", error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Eval_CutoffBeyondModel_ExitsTwoNamingIt()
    {
        var (code, _, error) = await RunAsync("lcpfn", "eval", "--model", _model, "--cutoffs", "10,20");

        Assert.Equal(2, code);
        Assert.Contains("Cut-off 20", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_TinyRunThenRepeatThenResume_WritesModelRefusesOverwriteAndResumes()
    {
        string dir = TestTemp.Folder("hpo-cli-lcpfn");
        string path = Path.Combine(dir, "m.lcpfn");
        string[] args = ["lcpfn", "train", "--output", path, "--emsize", "32", "--layers", "1", "--buckets", "50", "--border-curves", "100", "--steps", "3", "--batch-size", "8", "--threads", "1", "--progress-seconds", "0"];

        var first = await RunAsync(args);
        var again = await RunAsync(args);
        var resumed = await RunAsync([.. args, "--resume"]);

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("step 3/3", first.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(path) && File.Exists(path + ".ckpt"));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--resume", again.Error, StringComparison.Ordinal);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
    }

    [Theory]
    [InlineData("--steps", "0", "steps must be at least 1")]
    [InlineData("--lr", "-1", "learning rate must be a positive number")]
    [InlineData("--device", "cuda", "CUDA is not available")]
    public async Task Train_BadOption_FailsNamingIt(string option, string value, string expected)
    {
        string path = Path.Combine(TestTemp.Folder("hpo-cli-lcpfn"), "m.lcpfn");

        var (code, _, error) = await RunAsync("lcpfn", "train", "--output", path, "--emsize", "32", "--layers", "1", "--buckets", "50", "--border-curves", "100", option, value);

        Assert.NotEqual(0, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    /// <summary>A 20-epoch model trained for two steps, shared by the tests of this class.</summary>
    public sealed class TinyModelFile : IAsyncLifetime
    {
        public string Path { get; private set; } = "";

        public async Task InitializeAsync()
        {
            Path = System.IO.Path.Combine(TestTemp.Folder("hpo-cli-lcpfn"), "tiny.lcpfn");
            var options = new LcPfnTrainingOptions
            {
                Architecture = new LcPfnArchitecture { EmbeddingSize = 32, Layers = 1, Heads = 1, Hidden = 64, Buckets = 50, MaxEpochs = 20 },
                Steps = 2,
                BatchSize = 8,
                BorderCurves = 100,
                Threads = 1,
            };
            using var model = await LcPfnTrainer.TrainAsync(options, Path);
        }

        public Task DisposeAsync() => Task.CompletedTask;
    }
}
