using System.CommandLine;
using System.Text.Json.Nodes;
using Hpo.Testing;
using Microsoft.ML;

namespace Hpo.Cli.Tests.Init;

/// <summary>
/// The bring-your-own-data path a user takes: <c>hpo init</c> on a CSV, then <c>hpo run</c> on the file it
/// wrote, unchanged, with the default LC-PFN policy and model, to the best trial's saved model.
/// </summary>
public sealed class InitCommandTests
{
    private readonly string _folder = TestTemp.Folder("hpo-cli-init-");

    private static string Dataset(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hpo.sln")))
            {
                return Path.Combine(dir.FullName, "data", "datasets", file);
            }
        }

        throw new InvalidOperationException("No Hpo.sln above the test folder.");
    }

    private static async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await HpoCommandLine.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("iris-header.csv", "species", "tabular-mlnet", "val_accuracy", 0.9)]
    [InlineData("wine-header.csv", "alcohol", "tabular-mlp", "val_rmse", 0.75)]
    public async Task InitThenRun_ShippedDataset_CompletesWithLcPfnAndTheBestModelSaves(string file, string label, string workload, string metric, double good)
    {
        string experiment = Path.Combine(_folder, "experiment.json");
        string db = Path.Combine(_folder, "hpo.db");

        var init = await RunAsync("init", Dataset(file), "--label", label, "--workload", workload, "--output", experiment, "--trials", "6", "--max-epochs", "8");
        var run = await RunAsync("run", experiment, "--db", db, "--json");

        Assert.True(init.ExitCode == 0, init.Error);
        Assert.Contains($"label ({(metric == "val_rmse" ? "regression" : "multiclass")})", init.Out, StringComparison.Ordinal);
        Assert.True(run.ExitCode == 0, run.Error);
        var summary = JsonNode.Parse(run.Out)!;
        Assert.Equal(("Completed", 6, 0, metric), (summary["status"]!.GetValue<string>(), summary["trials"]!.GetValue<int>(), summary["failed"]!.GetValue<int>(), summary["metric"]!.GetValue<string>()));
        double best = summary["bestValue"]!.GetValue<double>();
        Assert.True(metric == "val_rmse" ? best < good : best > good, $"best {metric} {best}");

        // hpo run saved the best trial's model beside the database.
        string model = summary["bestModel"]!.GetValue<string>();
        Assert.Equal(Path.Combine(_folder, "hpo-models"), Path.GetDirectoryName(model));
        Assert.True(new FileInfo(model).Length > 0);
        if (workload == "tabular-mlnet")
        {
            Assert.Equal(".zip", Path.GetExtension(model));
            var loaded = new MLContext(0).Model.Load(model, out var schema);
            Assert.NotNull(schema.GetColumnOrNull("Features"));
            Assert.NotNull(loaded);
        }
        else
        {
            Assert.Equal(".dat", Path.GetExtension(model));
        }
    }

    [Fact]
    public async Task Run_DataBrokenAfterInit_Exit2NamingTheLineAndNoDatabaseIsWritten()
    {
        string data = Path.Combine(_folder, "iris.csv");
        File.Copy(Dataset("iris-header.csv"), data);
        string experiment = Path.Combine(_folder, "iris.hpo.json");
        string db = Path.Combine(_folder, "hpo.db");
        Assert.Equal(0, (await RunAsync("init", data, "--label", "species", "--output", experiment)).ExitCode);
        File.AppendAllText(data, "5.0,3.1,setosa\n");

        var (code, _, error) = await RunAsync("run", experiment, "--db", db);

        Assert.Equal(2, code);
        Assert.Contains("$.workload.dataset:", error, StringComparison.Ordinal);
        Assert.Contains("line 152: the row has 3 fields but the header has 5 columns", error, StringComparison.Ordinal);
        Assert.False(File.Exists(db), "nothing may be written for an experiment that cannot start");
    }

    [Theory]
    [InlineData("a,b,y\n1,2,x\n3,4,x\n", "y", "column 'y': every row has the label 'x'")]
    [InlineData("a,b,y\n1,2,x\n3,4,z\n", "label", "line 1: there is no label column 'label'; the columns are a, b, y")]
    [InlineData("a,b,y\n1,2,x\n3,4\n", "y", "line 3: the row has 2 fields")]
    [InlineData("", "y", "the file is empty")]
    public async Task Init_BadData_Exit2NamingFileLineAndColumn(string text, string label, string problem)
    {
        string data = Path.Combine(_folder, "bad.csv");
        File.WriteAllText(data, text);

        var (code, _, error) = await RunAsync("init", data, "--label", label, "--output", Path.Combine(_folder, "bad.hpo.json"));

        Assert.Equal(2, code);
        Assert.Contains($"'{data}'", error, StringComparison.Ordinal);
        Assert.Contains(problem, error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "bad.hpo.json")));
    }

    [Theory]
    [InlineData("--task", "ranking", "--task is 'ranking'")]
    [InlineData("--metric", "val_rmse", "--metric is 'val_rmse', which does not apply to a multiclass task")]
    [InlineData("--workload", "xgboost", "--workload is 'xgboost'")]
    public async Task Init_BadOption_Exit2NamingTheOption(string option, string value, string problem)
    {
        var (code, _, error) = await RunAsync("init", Dataset("iris-header.csv"), "--label", "species", option, value, "--output", Path.Combine(_folder, "x.json"));

        Assert.Equal(2, code);
        Assert.Contains(problem, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_OutputExists_RefusedWithoutForce()
    {
        string experiment = Path.Combine(_folder, "e.json");
        File.WriteAllText(experiment, "{}");

        var refused = await RunAsync("init", Dataset("iris-header.csv"), "--label", "species", "--output", experiment);
        var forced = await RunAsync("init", Dataset("iris-header.csv"), "--label", "species", "--output", experiment, "--force");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--force", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0, forced.ExitCode);
        Assert.Equal("tabular-mlnet", JsonNode.Parse(File.ReadAllText(experiment))!["workload"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Init_Help_DescribesTheCommand()
    {
        var (code, output, _) = await RunAsync("init", "--help");

        Assert.Equal(0, code);
        Assert.Contains("--label", output, StringComparison.Ordinal);
        Assert.Contains("schema", output, StringComparison.Ordinal);
    }
}
