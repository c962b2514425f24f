namespace Hpo.Scheduler.Persistence;

/// <summary>
/// The system of record for experiments, trials, learning curves and decisions. Implemented by
/// <c>Hpo.Storage</c> (PostgreSQL for a fleet, SQLite embedded). Every method is safe to call from
/// many workers at once; writes are idempotent by natural key so retries never duplicate data.
/// </summary>
/// <remarks>
/// Errors are typed: <see cref="HpoValidationException"/> (bad input; nothing written),
/// <see cref="NotFoundException"/>, <see cref="StaleLeaseException"/> (the caller lost the trial),
/// <see cref="ObservationConflictException"/> (a different value for a stored epoch; the first stays),
/// <see cref="TrialStateException"/> (e.g. a write to a finished trial).
/// </remarks>
public interface IExperimentStore
{
    /// <summary>Creates an experiment; its name must be unique.</summary>
    Task<ExperimentRecord> CreateExperimentAsync(ExperimentSpec spec, CancellationToken cancellationToken = default);

    /// <summary>The experiment with <paramref name="experimentId"/>, or null.</summary>
    Task<ExperimentRecord?> GetExperimentAsync(long experimentId, CancellationToken cancellationToken = default);

    /// <summary>The experiment named <paramref name="name"/>, or null.</summary>
    Task<ExperimentRecord?> FindExperimentAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Sets an experiment's status.</summary>
    Task SetExperimentStatusAsync(long experimentId, ExperimentStatus status, CancellationToken cancellationToken = default);

    /// <summary>Experiments, newest first.</summary>
    Task<Page<ExperimentRecord>> ListExperimentsAsync(int pageNumber = 1, int pageSize = 50, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a pending trial with the next dense number of its experiment (unique under concurrency).
    /// The parameters must lie in the experiment's search space.
    /// </summary>
    Task<TrialRecord> CreateTrialAsync(long experimentId, string parametersJson, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates trial <paramref name="number"/> only if the experiment has exactly <c>number - 1</c> trials and fewer than
    /// <paramref name="maxUnfinished"/> Pending or Running ones, as one atomic step; returns null and writes nothing when
    /// either does not hold (another creator got there first, or every slot is taken). This is how several fleet workers
    /// fill an experiment's slots without a lock: each proposes trial <c>n</c> for the count it read and retries with a
    /// fresh count when it loses, so trial <c>n</c> always holds the proposal made for <c>n</c> and the concurrency limit
    /// holds under any interleaving of creations. The parameters must lie in the experiment's search space.
    /// </summary>
    /// <param name="experimentId">The experiment.</param>
    /// <param name="number">The trial number to create: the experiment's trial count plus one.</param>
    /// <param name="maxUnfinished">The experiment's concurrency.</param>
    /// <param name="parametersJson">The proposal for <paramref name="number"/>.</param>
    /// <param name="runnerJob">
    /// The job that creates the trial to run it itself (a fleet slot's next trial), stored with it in the same write, so a
    /// rerun of that job finds it (<see cref="FindRunnerJobTrialAsync"/>); null when the trial gets a job of its own.
    /// </param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <exception cref="NotFoundException">There is no such experiment.</exception>
    /// <exception cref="TrialStateException">The experiment has ended (Completed, Cancelled or Failed).</exception>
    /// <exception cref="HpoValidationException"><paramref name="number"/> or <paramref name="maxUnfinished"/> is below 1, the parameters are invalid, or <paramref name="runnerJob"/> is empty or longer than 100 characters.</exception>
    Task<TrialRecord?> TryCreateTrialAsync(long experimentId, int number, int maxUnfinished, string parametersJson, string? runnerJob = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates the experiment's next trial and claims it for <paramref name="workerId"/> in one atomic write: what a fleet
    /// slot does when it runs the trial it creates itself. The new trial's number is the experiment's trial count plus one,
    /// and it is created only if that number lies in the window <c>[firstNumber, firstNumber + proposals.Count)</c>, the
    /// experiment is open and it has fewer than <paramref name="maxUnfinished"/> Pending or Running trials; it gets
    /// <c>proposals[number - firstNumber]</c>. Otherwise returns null and writes nothing.
    /// </summary>
    /// <remarks>
    /// The window lets a slot create without reading the count first: it proposes for the numbers the count may have
    /// reached since it last saw it, so trial <c>n</c> still holds the proposal made for <c>n</c>, and other creators
    /// between two of its creations do not make it lose. The claim is the one <see cref="ClaimTrialAsync"/> makes of a
    /// pending trial (attempt 1, a new token, heartbeat now), so the creator runs the trial without another write; until
    /// its first heartbeat nobody else can claim it, and if the creator dies it is recovered as any running trial whose
    /// lease lapsed.
    /// </remarks>
    /// <param name="experimentId">The experiment.</param>
    /// <param name="firstNumber">The number <c>proposals[0]</c> is for (at least 1).</param>
    /// <param name="proposals">The tuner's proposals for <paramref name="firstNumber"/> onwards: 1 to 64, each in the experiment's search space.</param>
    /// <param name="maxUnfinished">The experiment's concurrency.</param>
    /// <param name="runnerJob">The creator's job, stored with the trial as in <see cref="TryCreateTrialAsync"/>; may be null.</param>
    /// <param name="workerId">The creating worker, which holds the lease.</param>
    /// <param name="leaseDuration">As in <see cref="ClaimTrialAsync"/> (validated the same way).</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <exception cref="NotFoundException">There is no such experiment.</exception>
    /// <exception cref="TrialStateException">The experiment has ended (Completed, Cancelled or Failed).</exception>
    /// <exception cref="HpoValidationException">A number, count, proposal, job id, worker id or lease duration is invalid.</exception>
    Task<ClaimedTrial?> TryCreateClaimedTrialAsync(long experimentId, int firstNumber, IReadOnlyList<string> proposals, int maxUnfinished, string? runnerJob, string workerId, TimeSpan leaseDuration, CancellationToken cancellationToken = default);

    /// <summary>
    /// The newest Pending or Running trial of <paramref name="trialId"/>'s experiment that job <paramref name="runnerJob"/>
    /// created to run itself (<see cref="TryCreateTrialAsync"/>), or null: what a fleet slot's job, handed out again after
    /// its process died, runs instead of its own ended trial. One read of the experiment's unfinished trials.
    /// </summary>
    Task<long?> FindRunnerJobTrialAsync(long trialId, string runnerJob, CancellationToken cancellationToken = default);

    /// <summary>The trial with <paramref name="trialId"/>, or null.</summary>
    Task<TrialRecord?> GetTrialAsync(long trialId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims a trial for <paramref name="workerId"/>: a pending or paused trial (a paused one resumes after its last
    /// epoch), or a running one whose lease has expired (its heartbeat is older than <paramref name="leaseDuration"/>). Issues a new token and
    /// increments the attempt; any earlier lease becomes stale. Throws <see cref="TrialStateException"/>
    /// when the trial is terminal or held by a live lease.
    /// </summary>
    Task<TrialLease> ClaimTrialAsync(long trialId, string workerId, TimeSpan leaseDuration, CancellationToken cancellationToken = default);

    /// <summary>
    /// Freezes a running trial after <paramref name="epoch"/> (which must be its last recorded epoch) under its lease, in
    /// one transaction: the checkpoint is stored (replacing an earlier one), the trial becomes
    /// <see cref="TrialStatus.Paused"/> and the lease is released, so any worker may claim it later and resume
    /// (<see cref="TrialLease.ResumeFromEpoch"/> is then <paramref name="epoch"/>). Idempotent for the same lease and
    /// epoch. A checkpoint over the store's size limit is <see cref="HpoValidationException"/> naming the trial, the size
    /// and the limit, and nothing is written.
    /// </summary>
    Task PauseTrialAsync(TrialLease lease, int epoch, ReadOnlyMemory<byte> checkpoint, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>The checkpoint of a paused (or resumed) trial, or null when it has none.</summary>
    Task<TrialCheckpoint?> GetCheckpointAsync(long trialId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends a <see cref="TrialStatus.Paused"/> trial for good as <see cref="TrialStatus.Stopped"/> with
    /// <paramref name="reason"/> (no lease: nobody holds a paused trial). Idempotent: a trial already stopped is left as
    /// it is; any other status is <see cref="TrialStateException"/>. Paused trials are listed by
    /// <see cref="ListTrialsAsync"/> with <see cref="TrialStatus.Paused"/>.
    /// </summary>
    Task StopPausedTrialAsync(long trialId, string reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// Hands a <see cref="TrialStatus.Paused"/> trial back to the queue: it becomes <see cref="TrialStatus.Pending"/>,
    /// keeping its curve and checkpoint, so the fleet counts it as unfinished until a worker claims it (and resumes after
    /// its last epoch). True when this call moved it; false when it was not paused (another advance requeued it first).
    /// </summary>
    Task<bool> RequeuePausedTrialAsync(long trialId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Renews a lease (a store that keeps workers may refresh the holder's worker heartbeat too, at most once a second).
    /// Throws <see cref="StaleLeaseException"/> when it is no longer current.
    /// </summary>
    Task HeartbeatAsync(TrialLease lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends a trial as <see cref="TrialStatus.Completed"/>, <see cref="TrialStatus.Stopped"/> or
    /// <see cref="TrialStatus.Failed"/>, with the stop reason or error in <paramref name="detail"/>.
    /// Idempotent for the same lease and status.
    /// </summary>
    Task FinishTrialAsync(TrialLease lease, TrialStatus status, string? detail = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records one epoch's value. The same trial, epoch and value again is
    /// <see cref="RecordOutcome.AlreadyRecorded"/>; a different value for a stored epoch throws
    /// <see cref="ObservationConflictException"/> and the first value stays.
    /// </summary>
    Task<RecordOutcome> RecordObservationAsync(TrialLease lease, int epoch, double value, CancellationToken cancellationToken = default);

    /// <summary>Records several epochs of one trial in one round trip, with the same rules as <see cref="RecordObservationAsync"/>.</summary>
    Task<IReadOnlyList<RecordOutcome>> RecordObservationsAsync(TrialLease lease, IReadOnlyList<(int Epoch, double Value)> observations, CancellationToken cancellationToken = default);

    /// <summary>The curves (observations ordered by epoch) of many trials in one round trip; absent trials map to empty lists.</summary>
    Task<IReadOnlyDictionary<long, IReadOnlyList<ObservationRecord>>> GetCurvesAsync(IReadOnlyCollection<long> trialIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// The observations of the experiment's trials committed since <paramref name="after"/> (everything when null),
    /// and the cursor to pass next time. A worker that keeps the experiment's curves in memory reads only what
    /// changed, so a read costs what was added since the last one, not the experiment's size. An observation may
    /// come again in a later read (e.g. one committed while the previous read ran); callers ignore repeats.
    /// </summary>
    Task<ObservationChanges> ReadObservationChangesAsync(long experimentId, ObservationCursor? after = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Binds the experiment to the LC-PFN model with SHA-256 <paramref name="modelSha256"/> (lower-case hex) unless it
    /// is bound already, and returns the model the experiment is bound to: a caller whose model differs must not decide.
    /// </summary>
    Task<string> BindDecisionModelAsync(long experimentId, string modelSha256, CancellationToken cancellationToken = default);

    /// <summary>The best value any trial of the experiment has observed (direction-aware), or null when none.</summary>
    Task<double?> GetBestValueAsync(long experimentId, CancellationToken cancellationToken = default);

    /// <summary>Records a decision idempotently (unique per trial and epoch; an identical decision again is a no-op).</summary>
    Task<RecordOutcome> RecordDecisionAsync(TrialLease lease, DecisionRecord decision, CancellationToken cancellationToken = default);

    /// <summary>
    /// The fleet's per-epoch write: one new epoch's value and its decision in one atomic write and, with
    /// <paramref name="finishAs"/>, the trial's end in the same write (<see cref="TrialStatus.Stopped"/> with the
    /// decision's reason, or <see cref="TrialStatus.Completed"/>). Returns false, having written nothing, whenever the
    /// write is not that plain case (the lease is not current, or the epoch already has a value or a decision: a retry,
    /// a conflict); the caller then records them one by one (<see cref="RecordObservationAsync"/>,
    /// <see cref="RecordDecisionAsync"/>, <see cref="FinishTrialAsync"/>), whose answers tell which.
    /// </summary>
    /// <param name="lease">The trial's current lease.</param>
    /// <param name="epoch">The new epoch.</param>
    /// <param name="value">Its value (finite).</param>
    /// <param name="recordedAt">When the value was reported, before the decision was taken: the observation's time.</param>
    /// <param name="decision">The decision of that epoch (its <see cref="DecisionRecord.Epoch"/> is <paramref name="epoch"/>).</param>
    /// <param name="finishAs">Null (the trial goes on, or pauses), Stopped (with a Stop decision) or Completed (with a Continue decision).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <exception cref="HpoValidationException">An invalid value, decision, or <paramref name="finishAs"/> that does not fit the decision.</exception>
    Task<bool> TryRecordEpochAsync(TrialLease lease, int epoch, double value, DateTimeOffset recordedAt, DecisionRecord decision, TrialStatus? finishAs = null, CancellationToken cancellationToken = default);

    /// <summary>The decisions of a trial, by epoch.</summary>
    Task<IReadOnlyList<DecisionRecord>> GetDecisionsAsync(long trialId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The decisions of many trials, by epoch, in one round trip; with <paramref name="decidedAfter"/>, only those
    /// decided strictly after it. Absent trials and trials without such decisions map to empty lists.
    /// </summary>
    Task<IReadOnlyDictionary<long, IReadOnlyList<DecisionRecord>>> GetDecisionsAsync(IReadOnlyCollection<long> trialIds, DateTimeOffset? decidedAfter = null, CancellationToken cancellationToken = default);

    /// <summary>Running trials whose last heartbeat is older than <paramref name="heartbeatBefore"/> (optionally of one experiment).</summary>
    Task<IReadOnlyList<TrialRecord>> FindStaleTrialsAsync(DateTimeOffset heartbeatBefore, long? experimentId = null, CancellationToken cancellationToken = default);


    /// <summary>Trials of an experiment by number, optionally filtered by status.</summary>
    Task<Page<TrialRecord>> ListTrialsAsync(long experimentId, int pageNumber = 1, int pageSize = 100, TrialStatus? status = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many trials of the experiment are in each status, with the epochs they recorded, in one round trip (statuses
    /// without trials are absent): a live view's counts, and what the fleet's advance needs to decide how many trials it
    /// may start and whether the epoch budget is spent, without reading the trials.
    /// </summary>
    /// <exception cref="NotFoundException">There is no such experiment.</exception>
    Task<IReadOnlyList<TrialStatusCount>> CountTrialsAsync(long experimentId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The experiment's trial count, its unfinished (Pending or Running) trials and, when <paramref name="includeEpochs"/>,
    /// the epochs all its trials recorded: what the fleet's advance reads after every trial (a slot's, before its conditional creation).
    /// Without the epochs its cost does not grow with the finished trials (the count is the highest trial number, the
    /// unfinished ones an index range of at most the concurrency); the epochs cost a pass over the experiment's trials,
    /// which only an experiment with an epoch budget pays.
    /// </summary>
    /// <exception cref="NotFoundException">There is no such experiment.</exception>
    Task<TrialSlots> GetTrialSlotsAsync(long experimentId, bool includeEpochs, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts across every experiment (trials by status, epochs reported, decisions by action, epochs saved), in one
    /// read whose cost grows with the rows it counts, not with the callers; for dashboards and metrics, not for
    /// deciding.
    /// </summary>
    Task<StoreTotals> GetTotalsAsync(CancellationToken cancellationToken = default);

    /// <summary>Registers or refreshes a worker.</summary>
    Task<WorkerRecord> UpsertWorkerAsync(string workerId, string host, CancellationToken cancellationToken = default);

    /// <summary>Workers, most recently seen first.</summary>
    Task<IReadOnlyList<WorkerRecord>> ListWorkersAsync(CancellationToken cancellationToken = default);
}
