using Hpo.Scheduler.Persistence;
using Hpo.Storage.Configuration;
using Hpo.Storage.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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

    [Fact]
    public void AddHpoStorage_InvalidOptions_ResolvingTheStoreThrowsOptionsValidation()
    {
        using var services = new ServiceCollection().AddHpoStorage(o => o.MaxAttempts = -1).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IExperimentStore>());

        Assert.Contains(nameof(HpoStorageOptions.MaxAttempts), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddHpoStorage_NoValidatorRegistered_UsesFlatJsonDefault()
    {
        using var services = new ServiceCollection().AddHpoStorage(o => o.Connection = "unused.db").BuildServiceProvider();

        var validator = services.GetRequiredService<IParameterValidator>();

        Assert.IsType<FlatJsonParameterValidator>(validator);
        validator.Validate("{}", """{"lr": 0.1, "layers": 3, "optimizer": "adam", "nesterov": true}""");
        Assert.Contains("ParametersJson", Assert.Throws<HpoValidationException>(() => validator.Validate("{}", """{"lr": [0.1]}""")).Message, StringComparison.Ordinal);
    }
}
