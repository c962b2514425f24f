using Hpo.Storage.Tests.Infrastructure;

namespace Hpo.Storage.Tests.Contract;

/// <summary>How a trial's heartbeat moves its worker's heartbeat.</summary>
public abstract partial class ExperimentStoreContractTests
{
    [StoreFact]
    public async Task HeartbeatAsync_WithinASecondOfTheWorkersLast_LeavesTheWorkerRowAlone()
    {
        var (_, _, lease) = await RunningTrialAsync();
        await Store.UpsertWorkerAsync("worker-a", "host");
        var upserted = Harness.Time.GetUtcNow();
        Harness.Time.Advance(TimeSpan.FromMilliseconds(400));

        await Store.HeartbeatAsync(lease);
        var soon = (await Store.ListWorkersAsync()).Single().LastHeartbeat;
        Harness.Time.Advance(TimeSpan.FromMilliseconds(700));
        await Store.HeartbeatAsync(lease);
        var later = (await Store.ListWorkersAsync()).Single().LastHeartbeat;

        Assert.Equal(upserted, soon);
        Assert.Equal(Harness.Time.GetUtcNow(), later);
    }
}
