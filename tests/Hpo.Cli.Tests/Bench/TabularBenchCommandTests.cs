using System.CommandLine;
using System.Text.Json;

namespace Hpo.Cli.Tests.Bench;

public sealed class TabularBenchCommandTests
{
    private static async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await HpoCommandLine.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("tabular-mlnet")]
    [InlineData("tabular-mlp")]
    public async Task Tabular_SmallSyntheticCsv_JsonCountsEveryTrialAndEpoch(string workload)
    {
        var (code, output, error) = await RunAsync("bench", "tabular", "--workload", workload, "--rows", "500", "--columns", "12", "--trials", "3", "--epochs", "2", "--json");

        Assert.True(code == 0, error);
        var root = JsonDocument.Parse(output).RootElement;
        Assert.Equal(workload, root.GetProperty("workload").GetString());
        Assert.Equal((500, 12, 3, 6L), (root.GetProperty("rows").GetInt32(), root.GetProperty("columns").GetInt32(), root.GetProperty("trials").GetInt32(), root.GetProperty("epochsTrained").GetInt64()));
        Assert.Equal((400, 100), (root.GetProperty("trainRows").GetInt32(), root.GetProperty("validationRows").GetInt32()));
        Assert.True(root.GetProperty("epochsPerSecond").GetDouble() > 0);

        // 8 numeric columns (plus an indicator each when its training cells include a missing one), c5 and c20
        // one-hot, c1000 hashed into 64 buckets.
        Assert.InRange(root.GetProperty("encodedFeatures").GetInt32(), 8 + 5 + 20 + 64, (8 * 2) + 5 + 20 + 64);
    }

    [Fact]
    public async Task Tabular_TooFewColumns_Exit2()
    {
        var (code, _, error) = await RunAsync("bench", "tabular", "--columns", "3");

        Assert.Equal(2, code);
        Assert.Contains("--columns at least 5", error, StringComparison.Ordinal);
    }
}
