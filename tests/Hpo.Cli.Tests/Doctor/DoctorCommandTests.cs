using Hpo.Cli.Doctor;
using Hpo.Testing;

namespace Hpo.Cli.Tests.Doctor;

public sealed class DoctorCommandTests
{
    [Fact]
    public async Task RunAsync_OnThisMachine_TorchSharpAndOnnxRuntimeAreOk()
    {
        var checks = await DoctorChecks.RunAsync(database: null);

        var torch = Assert.Single(checks, c => c.Name == "TorchSharp");
        Assert.True(torch.Status == DoctorStatus.Ok, torch.Detail);
        Assert.Contains("libstdc++ fix:", torch.Detail, StringComparison.Ordinal);
        var onnx = Assert.Single(checks, c => c.Name == "ONNX Runtime");
        Assert.True(onnx.Status == DoctorStatus.Ok, onnx.Detail);
    }

    [Fact]
    public async Task Invoke_MissingSqliteFile_ExitsOneAndNamesTheFile()
    {
        string missing = Path.Combine(Path.GetTempPath(), "hpo-missing-" + Guid.NewGuid().ToString("N") + ".db");
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        int exit;
        try
        {
            exit = await HpoCommandLine.Build().Parse(["doctor", "--json", "--db", missing]).InvokeAsync();
        }
        finally
        {
            Console.SetOut(previous);
        }

        Assert.Equal(1, exit);
        using var json = System.Text.Json.JsonDocument.Parse(output.ToString());
        Assert.False(json.RootElement.GetProperty("ok").GetBoolean());
        var db = json.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "database");
        Assert.Equal("fail", db.GetProperty("status").GetString());
        Assert.Contains(missing, db.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task RunAsync_WithPostgres_ReportsServerAndUnmigratedSchema()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();

        var checks = await DoctorChecks.RunAsync(db.ConnectionString);

        var check = Assert.Single(checks, c => c.Name == "database");
        Assert.True(check.Status == DoctorStatus.Ok, check.Detail);
        Assert.Contains("PostgreSQL", check.Detail, StringComparison.Ordinal);
        Assert.Contains("not migrated", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Help_ListsOnlyImplementedVerbs()
    {
        var root = HpoCommandLine.Build();

        Assert.All(root.Subcommands, c => Assert.NotNull(c.Action));
        Assert.Contains(root.Subcommands, c => c.Name == "doctor");
    }
}
