using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Workloads.LcBench;

/// <summary>
/// LCBench as a workload: "training" a configuration serves its surrogate curve (val_accuracy / 100,
/// 52 epochs) one epoch per call. The whole curve is computed in one ONNX call at
/// <see cref="StartAsync"/>; the surrogate is deterministic, so the seed does not change it. Resumable: its
/// checkpoint is its position (the epoch), as the curve is recomputed from the configuration.
/// </summary>
public sealed class LcBenchWorkload : IResumableWorkload, IDisposable
{
    private readonly LcBenchSurrogate _surrogate;
    private readonly bool _ownsSurrogate;

    /// <summary>Loads the surrogate from <paramref name="dataFolder"/> for OpenML task <paramref name="taskId"/>.</summary>
    /// <exception cref="ArgumentException">The task is unknown.</exception>
    public LcBenchWorkload(string dataFolder, string taskId)
        : this(new LcBenchSurrogate(dataFolder), taskId, ownsSurrogate: true)
    {
    }

    /// <summary>Uses a loaded <paramref name="surrogate"/> (shared between tasks) for OpenML task <paramref name="taskId"/>.</summary>
    /// <exception cref="ArgumentException">The task is unknown.</exception>
    public LcBenchWorkload(LcBenchSurrogate surrogate, string taskId)
        : this(surrogate, taskId, ownsSurrogate: false)
    {
    }

    private LcBenchWorkload(LcBenchSurrogate surrogate, string taskId, bool ownsSurrogate)
    {
        ArgumentNullException.ThrowIfNull(surrogate);
        _ownsSurrogate = ownsSurrogate;
        try
        {
            surrogate.EncodeTask(taskId);
        }
        catch
        {
            if (ownsSurrogate)
            {
                surrogate.Dispose();
            }

            throw;
        }

        _surrogate = surrogate;
        TaskId = taskId;
    }

    /// <summary>The registry name of this workload.</summary>
    public const string TypeName = "lcbench";

    /// <summary>
    /// Creates the workload from settings <c>{"type":"lcbench","surrogate":"path/to/yahpo-lcbench","task":"3945"}</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is missing or unknown, or the task is unknown.</exception>
    public static LcBenchWorkload FromSettings(WorkloadSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.EnsureOnly("surrogate", "task");
        string folder = settings.GetRequiredString("surrogate");
        if (!Directory.Exists(folder))
        {
            throw new ArgumentException($"Workload '{settings.Type}' setting 'surrogate': folder '{folder}' does not exist (it must hold the YAHPO LCBench model.onnx, encoding.json and config_space.json).");
        }

        return new LcBenchWorkload(folder, settings.GetRequiredString("task"));
    }

    /// <summary>The OpenML task id.</summary>
    public string TaskId { get; }

    /// <summary>The LCBench search space.</summary>
    public SearchSpace SearchSpace => _surrogate.SearchSpace;

    /// <summary>52.</summary>
    public static int MaxEpochs => LcBenchSurrogate.Epochs;

    /// <inheritdoc />
    public string Name => $"lcbench-{TaskId}";

    /// <inheritdoc />
    public string MetricName => "val_accuracy";

    /// <inheritdoc />
    public bool HigherIsBetter => true;

    /// <summary>The curves of many configurations in one ONNX call (fractions, epochs 1..52).</summary>
    public double[][] PredictCurves(IReadOnlyList<TrialParameters> configurations) => _surrogate.PredictCurves(TaskId, configurations);

    /// <inheritdoc />
    public Task<IWorkloadRun> StartAsync(TrialParameters parameters, int seed, int resumeAfterEpoch = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(resumeAfterEpoch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(resumeAfterEpoch, LcBenchSurrogate.Epochs);
        cancellationToken.ThrowIfCancellationRequested();
        // Checked now, so that a configuration outside the space fails the start, not its first epoch.
        var errors = _surrogate.SearchSpace.FindErrors(parameters);
        if (errors.Count > 0)
        {
            throw new ArgumentException($"The configuration is not an LCBench configuration: {string.Join(" ", errors)}", nameof(parameters));
        }

        return Task.FromResult<IWorkloadRun>(new LcBenchRun(Name, CheckpointHeader.Fingerprint(parameters), (first, last) => _surrogate.PredictEpochs(TaskId, parameters, first, last), resumeAfterEpoch));
    }

    /// <inheritdoc />
    public async Task<IResumableWorkloadRun> ResumeAsync(TrialParameters parameters, int seed, int epoch, Stream checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        using (var reader = new BinaryReader(checkpoint, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            CheckpointHeader.Read(reader, Name, CheckpointHeader.Fingerprint(parameters), epoch);
        }

        return (IResumableWorkloadRun)await StartAsync(parameters, seed, epoch, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsSurrogate)
        {
            _surrogate.Dispose();
        }
    }
}
