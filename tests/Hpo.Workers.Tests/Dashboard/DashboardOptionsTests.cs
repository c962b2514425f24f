using Hpo.Workers.Dashboard;
using Hpo.Workers.Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Hpo.Workers.Tests.Dashboard;

public sealed class DashboardOptionsTests
{
    private const string GoodKey = "0123456789abcdef0123";

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        ValidateOptionsResult result = new HpoDashboardOptionsValidator().Validate(null, new HpoDashboardOptions());

        Assert.True(result.Succeeded);
    }

    [Theory]
    [InlineData("", "ApiKey is empty")]
    [InlineData("   ", "ApiKey is empty")]
    [InlineData("short-key", "ApiKey has 9 characters")]
    [InlineData("0123456789 abcdef", "whitespace")]
    public void Validate_BadApiKey_FailsNamingTheProblem(string key, string expected)
    {
        var failures = HpoDashboardOptionsValidator.Check(new HpoDashboardOptions { ApiKey = key });

        Assert.Contains(failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ops", null, "BasicAuthPassword is empty")]
    [InlineData(null, "long enough password", "BasicAuthUserName is empty")]
    [InlineData("a:b", "long enough password", "contains ':'")]
    [InlineData("ops", "short", "BasicAuthPassword has 5 characters")]
    public void Validate_BadBasicAuth_FailsNamingTheProblem(string? user, string? password, string expected)
    {
        var failures = HpoDashboardOptionsValidator.Check(new HpoDashboardOptions { BasicAuthUserName = user, BasicAuthPassword = password });

        Assert.Contains(failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_LocalAccessOffWithoutCredential_Fails()
    {
        var failures = HpoDashboardOptionsValidator.Check(new HpoDashboardOptions { AllowLocalRequestsWithoutCredential = false });

        Assert.Contains(failures, f => f.Contains("nobody could open the dashboard", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(301)]
    public void Validate_PollIntervalOutOfRange_Fails(int seconds)
    {
        var failures = HpoDashboardOptionsValidator.Check(new HpoDashboardOptions { PollIntervalSeconds = seconds });

        Assert.Contains(failures, f => f.StartsWith("PollIntervalSeconds", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("hangfire")]
    [InlineData("/")]
    [InlineData("/jobs/")]
    [InlineData("/api/jobs")]
    public void Validate_BadHangfirePath_Fails(string path)
    {
        var failures = HpoDashboardOptionsValidator.Check(new HpoDashboardOptions { HangfirePath = path });

        Assert.Contains(failures, f => f.StartsWith("HangfirePath", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ModelPathMissingOrCacheSizeZero_FailsNamingEach()
    {
        var failures = HpoDashboardOptionsValidator.Check(new HpoDashboardOptions { ModelPath = "/nonexistent/model.lcpfn", ForecastCacheSize = 0 });

        Assert.Contains(failures, f => f.StartsWith("ModelPath '/nonexistent/model.lcpfn'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ForecastCacheSize is 0", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_EmptyApiKey_ThrowsOptionsValidationException()
    {
        var ex = Assert.Throws<OptionsValidationException>(() =>
            DashboardApplication.Create(["http://127.0.0.1:0"], o => o.ApiKey = string.Empty, _ => { }));

        Assert.Contains("ApiKey is empty", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://0.0.0.0:5000")]
    [InlineData("http://*:5000")]
    [InlineData("http://+:5000")]
    [InlineData("http://[::]:5000")]
    [InlineData("http://192.0.2.10:5000")]
    [InlineData("http://dashboard.example:5000")]
    public void EnsureSafeBinding_NonLoopbackWithoutCredential_RefusesWithAdvice(string url)
    {
        var ex = Assert.Throws<ArgumentException>(() => DashboardApplication.EnsureSafeBinding([url], new HpoDashboardOptions()));

        Assert.Contains(url, ex.Message, StringComparison.Ordinal);
        Assert.Contains("--api-key", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://0.0.0.0:5000")]
    [InlineData("http://[::]:5000")]
    public void EnsureSafeBinding_NonLoopbackWithCredential_Allows(string url)
    {
        DashboardApplication.EnsureSafeBinding([url], new HpoDashboardOptions { ApiKey = GoodKey });
        DashboardApplication.EnsureSafeBinding([url], new HpoDashboardOptions { BasicAuthUserName = "ops", BasicAuthPassword = "long enough password" });
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000")]
    [InlineData("http://127.0.0.2:5000")]
    [InlineData("http://localhost:5000")]
    [InlineData("https://[::1]:5001")]
    [InlineData("http://unix:/run/hpo/dashboard.sock")]
    public void EnsureSafeBinding_LoopbackWithoutCredential_Allows(string url)
    {
        DashboardApplication.EnsureSafeBinding([url], new HpoDashboardOptions());
    }

    [Fact]
    public void EnsureSafeBinding_OneExposedAmongLoopback_Refuses()
    {
        Assert.Throws<ArgumentException>(() =>
            DashboardApplication.EnsureSafeBinding(["http://127.0.0.1:5000", "http://0.0.0.0:5001"], new HpoDashboardOptions()));
    }

    [Fact]
    public void CreateOptions_BasicAuth_SplitsAtTheFirstColon()
    {
        HpoDashboardOptions options = DashboardCommandLine.CreateOptions(null, "ops:pass:with:colons", 5, hangfireActions: false);

        Assert.Equal("ops", options.BasicAuthUserName);
        Assert.Equal("pass:with:colons", options.BasicAuthPassword);
        Assert.True(options.HangfireReadOnly);
    }

    [Fact]
    public void CreateOptions_BasicAuthWithoutColon_ThrowsFormatException()
    {
        var ex = Assert.Throws<FormatException>(() => DashboardCommandLine.CreateOptions(null, "ops", 5, hangfireActions: false));

        Assert.Contains("user:password", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SplitUrls_SemicolonsAndCommas_SplitsAndTrims()
    {
        Assert.Equal(["http://127.0.0.1:5000", "http://[::1]:5000"], DashboardCommandLine.SplitUrls(" http://127.0.0.1:5000 ; http://[::1]:5000,"));
    }
}
