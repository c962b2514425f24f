namespace Hpo.Scheduler.Tests.Experiments;

/// <summary>Tests that count the bytes the process allocates run alone, so other tests' allocations stay out of the count.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    public const string Name = "allocation counts";
}
