namespace Hpo.Cli.Tests.Dashboard;

/// <summary><c>hpo dashboard</c> refuses unusable arguments before it binds anything.</summary>
public sealed class DashboardCommandTests
{
    [Theory]
    [InlineData("--urls", "http://0.0.0.0:5000", "Refusing to listen on http://0.0.0.0:5000 without a credential")]
    [InlineData("--api-key", "", "ApiKey is empty")]
    [InlineData("--basic-auth", "ops", "user:password")]
    public async Task Invoke_UnusableArguments_ExitsTwoWithTheReason(string option, string value, string expected)
    {
        var (exit, _, error) = await ConsoleCapture.InvokeAsync("dashboard", "--db", "hpo.db", option, value);

        Assert.Equal(2, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_MissingModel_ExitsTwoNamingModel()
    {
        string missing = Path.Combine(Path.GetTempPath(), "hpo-missing-" + Guid.NewGuid().ToString("N") + ".lcpfn");

        var (exit, _, error) = await ConsoleCapture.InvokeAsync("dashboard", "--db", "hpo.db", "--model", missing);

        Assert.Equal(2, exit);
        Assert.Contains("--model", error, StringComparison.Ordinal);
        Assert.Contains(missing, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_Dashboard_DescribesTheModelOption()
    {
        var (exit, output, _) = await ConsoleCapture.InvokeAsync("dashboard", "--help");

        Assert.Equal(0, exit);
        Assert.Contains("--model", output, StringComparison.Ordinal);
        Assert.Contains("forecasts", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_MissingSqliteFile_ExitsTwoNamingTheFile()
    {
        string missing = Path.Combine(Path.GetTempPath(), "hpo-missing-" + Guid.NewGuid().ToString("N") + ".db");

        var (exit, _, error) = await ConsoleCapture.InvokeAsync("dashboard", "--db", missing, "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, exit);
        Assert.Contains(missing, error, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));
    }
}
