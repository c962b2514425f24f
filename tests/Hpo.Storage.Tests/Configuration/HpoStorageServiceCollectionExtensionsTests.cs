using Hpo.Scheduler.Persistence;
using Hpo.Storage.Configuration;
using Hpo.Storage.Schema;
using Hpo.Storage.Validation;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hpo.Storage.Tests.Configuration;

public sealed class HpoStorageServiceCollectionExtensionsTests
{
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

    [Fact]
    public async Task AddHpoStorage_StoreUsedThenProviderDisposedSynchronously_DoesNotThrow()
    {
        string file = Path.Combine(Path.GetTempPath(), "hpo-di-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            var services = new ServiceCollection().AddHpoStorage(o => o.Connection = file).BuildServiceProvider();
            await services.GetRequiredService<HpoDatabase>().MigrateAsync();
            var created = await services.GetRequiredService<IExperimentStore>().CreateExperimentAsync(new("di", "loss", MetricDirection.Minimize, null, null, 5, "{}", "{}", "{}"));

            services.Dispose();

            Assert.Equal("di", created.Spec.Name);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }
}
