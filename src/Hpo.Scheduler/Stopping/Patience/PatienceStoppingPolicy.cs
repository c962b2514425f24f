using System.Globalization;
using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Stopping.Patience;

/// <summary>
/// Patience(k) (lcbench-protocol.md): stop a trial when its own best value has not improved for more
/// than k epochs, i.e. when T − (first epoch of its best value) &gt; k.
/// </summary>
public sealed class PatienceStoppingPolicy : IStoppingPolicy
{
    private readonly PatienceOptions _options;

    /// <summary>Creates the policy.</summary>
    /// <exception cref="HpoValidationException">The options are invalid.</exception>
    public PatienceStoppingPolicy(PatienceOptions? options = null)
    {
        _options = (options ?? new PatienceOptions()).Validate();
    }

    /// <inheritdoc />
    public string Name => "patience";

    /// <inheritdoc />
    public IReadOnlyList<StoppingDecision> Decide(StoppingContext context, IReadOnlyList<TrialCurve> reports, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(reports);
        return reports.Select(r => DecideOne(context.Metric, r)).ToArray();
    }

    private StoppingDecision DecideOne(MetricSettings metric, TrialCurve report)
    {
        int bestEpoch = 1;
        for (int t = 2; t <= report.Epoch; t++)
        {
            if (metric.IsBetter(report.Values[t - 1], report.Values[bestEpoch - 1]))
            {
                bestEpoch = t;
            }
        }

        int since = report.Epoch - bestEpoch;
        bool stop = since > _options.K;
        string text = string.Create(CultureInfo.InvariantCulture, $"best {report.Values[bestEpoch - 1]:G4} at epoch {bestEpoch}, {since} epoch(s) without improvement (k {_options.K})");
        return new StoppingDecision(stop ? DecisionAction.Stop : DecisionAction.Continue, text);
    }
}
