using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.AutoMl;

/// <summary>The answer to an epoch report: keep training or stop, and the policy's reasoning.</summary>
/// <param name="ShouldStop">Whether the runner must stop the trial now.</param>
/// <param name="Decision">The full decision (probability, predicted band) as stored.</param>
public sealed record EpochDecision(bool ShouldStop, DecisionRecord Decision);
