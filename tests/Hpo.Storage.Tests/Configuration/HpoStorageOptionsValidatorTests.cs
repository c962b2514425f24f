using Hpo.Storage.Configuration;

namespace Hpo.Storage.Tests.Configuration;

public sealed class HpoStorageOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        var result = new HpoStorageOptionsValidator().Validate(null, new HpoStorageOptions());

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_OutOfRangeSettings_FailNamingEachSetting()
    {
        var options = new HpoStorageOptions { Connection = " ", MaxAttempts = 0, MaxBatchSize = 100_000, RetryBaseDelay = TimeSpan.FromSeconds(10) };

        var result = new HpoStorageOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(nameof(HpoStorageOptions.Connection), result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(nameof(HpoStorageOptions.MaxAttempts), result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(nameof(HpoStorageOptions.MaxBatchSize), result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(nameof(HpoStorageOptions.RetryBaseDelay), result.FailureMessage, StringComparison.Ordinal);
    }
}
