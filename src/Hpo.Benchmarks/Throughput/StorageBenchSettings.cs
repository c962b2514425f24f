namespace Hpo.Benchmarks.Throughput;

/// <summary>The sizes of one <c>hpo bench storage</c> run.</summary>
/// <param name="Connection">The database (see <c>HpoConnection.Parse</c>).</param>
/// <param name="Migrate">Apply pending migrations first.</param>
/// <param name="Writers">Concurrent writers, each with its own trial.</param>
/// <param name="SingleObservations">Observations written one call each, over all writers.</param>
/// <param name="BatchedObservations">Observations written in batches, over all writers.</param>
/// <param name="BatchSize">Observations per batched call.</param>
/// <param name="CurveTrials">Running trials read together in the curve benchmark.</param>
/// <param name="CurveEpochs">Epochs stored per trial before the curve benchmark.</param>
/// <param name="CurveReads">Timed curve reads.</param>
internal sealed record StorageBenchSettings(
    string Connection,
    bool Migrate,
    int Writers = 4,
    int SingleObservations = 4000,
    int BatchedObservations = 40_000,
    int BatchSize = 100,
    int CurveTrials = 64,
    int CurveEpochs = 50,
    int CurveReads = 200);
