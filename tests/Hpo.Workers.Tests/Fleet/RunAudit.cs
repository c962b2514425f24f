namespace Hpo.Workers.Tests.Fleet;

/// <summary>Counts over one experiment's rows after a run (see <see cref="FleetHarness.AuditAsync"/>).</summary>
internal sealed record RunAudit(
    long Trials,
    long NotTerminal,
    long Completed,
    long Stopped,
    long Failed,
    long Observations,
    long DuplicateObservations,
    long MissingEpochs,
    long IncompleteCompleted,
    long UndecidedEpochs,
    long StoppedWithoutStop,
    long ReExecutedTrials,
    long ReExecutions,
    long Workers)
{
    public override string ToString() =>
        $"trials {Trials} (completed {Completed}, stopped {Stopped}, failed {Failed}, not terminal {NotTerminal}); observations {Observations}, " +
        $"duplicates {DuplicateObservations}, missing {MissingEpochs}, undecided {UndecidedEpochs}; re-executed trials {ReExecutedTrials} ({ReExecutions} re-executions); workers {Workers}";
}
