using Hpo.Workers.Hosting;

namespace Hpo.Workers.Tests.Hosting;

public sealed class HpoWorkerOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        Assert.True(new HpoWorkerOptionsValidator().Validate(null, new HpoWorkerOptions()).Succeeded);
    }

    [Fact]
    public void Validate_HeartbeatAboveAThirdOfTheLease_NamesTheSetting()
    {
        var options = new HpoWorkerOptions { LeaseDuration = TimeSpan.FromSeconds(9), HeartbeatInterval = TimeSpan.FromSeconds(4) };

        var result = new HpoWorkerOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("HeartbeatInterval", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Default")]
    [InlineData("with-dash")]
    [InlineData("")]
    public void Validate_QueueNotHangfireShaped_NamesTheSetting(string queue)
    {
        var result = new HpoWorkerOptionsValidator().Validate(null, new HpoWorkerOptions { Queue = queue });

        Assert.True(result.Failed);
        Assert.Contains("Queue", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ZeroConcurrencyAndNegativeRetries_ReportsBoth()
    {
        var result = new HpoWorkerOptionsValidator().Validate(null, new HpoWorkerOptions { Concurrency = 0, RetryAttempts = -1 });

        Assert.Contains("Concurrency", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("RetryAttempts", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OrphanedPendingAfterBelowOneSecond_NamesTheSetting()
    {
        var result = new HpoWorkerOptionsValidator().Validate(null, new HpoWorkerOptions { OrphanedPendingAfter = TimeSpan.FromMilliseconds(500) });

        Assert.True(result.Failed);
        Assert.Contains("OrphanedPendingAfter", result.FailureMessage, StringComparison.Ordinal);
    }
}
