using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Tests.Persistence;

public sealed class InMemoryExperimentStoreTests : ExperimentStoreContract
{
    protected override Task<IExperimentStore> CreateStoreAsync(TimeProvider time) => Task.FromResult<IExperimentStore>(new InMemoryExperimentStore(time));
}
