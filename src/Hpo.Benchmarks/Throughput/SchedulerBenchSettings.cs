namespace Hpo.Benchmarks.Throughput;

/// <summary>Settings of <see cref="SchedulerBenchmark"/>.</summary>
/// <param name="Connection">The database (PostgreSQL for the fleet figure; SQLite works too).</param>
/// <param name="Migrate">Apply pending migrations first.</param>
/// <param name="PolicyJson">The stopping policy's JSON settings.</param>
/// <param name="Workers">Concurrent simulated workers.</param>
/// <param name="Reports">Epoch reports in total (the run stops once they are made).</param>
/// <param name="Epochs">Epochs of a full trial.</param>
/// <param name="Seed">Seed of the simulated curves.</param>
internal sealed record SchedulerBenchSettings(
    string Connection,
    bool Migrate,
    string PolicyJson,
    int Workers = 16,
    int Reports = 20_000,
    int Epochs = 52,
    int Seed = 0)
{
    /// <summary>Checks the settings; messages name the option.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public SchedulerBenchSettings Validate()
    {
        if (Workers < 1)
        {
            throw new ArgumentException($"--workers must be at least 1 (got {Workers}).");
        }

        if (Reports < Workers)
        {
            throw new ArgumentException($"--reports must be at least --workers ({Workers}) (got {Reports}).");
        }

        if (Epochs < 2)
        {
            throw new ArgumentException($"--epochs must be at least 2 (got {Epochs}).");
        }

        return this;
    }
}
