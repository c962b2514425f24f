namespace Hpo.Benchmarks;

/// <summary>The early-stopping protocols of lcbench-protocol.md.</summary>
public enum LcBenchProtocol
{
    /// <summary>Runs one after another (one worker); reports speed-ups over no stopping.</summary>
    Vertical,

    /// <summary>Asynchronous simulated workers; reports any-time regret.</summary>
    Parallel,
}
