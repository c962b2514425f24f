namespace Hpo.Benchmarks;

/// <summary>A policy's speed-up over no stopping on one task (see <see cref="RegretCurves.SpeedUp"/>).</summary>
/// <param name="Value">E0 ÷ E, or E0 ÷ budget (a lower bound) when not reached.</param>
/// <param name="Reached">Whether the policy's mean regret reached no-stopping's final mean regret within the budget.</param>
/// <param name="BaselineEpochs">E0: the epochs no stopping needs to reach its final mean regret.</param>
/// <param name="PolicyEpochs">E: the epochs the policy needs to reach it (null when not reached).</param>
/// <param name="TargetRegret">R0: no stopping's mean regret at the end of the budget.</param>
public sealed record SpeedUp(double Value, bool Reached, int BaselineEpochs, int? PolicyEpochs, double TargetRegret);
