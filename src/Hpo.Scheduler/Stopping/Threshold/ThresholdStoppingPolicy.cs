using System.Globalization;
using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Stopping.Threshold;

/// <summary>
/// Stops a trial whose best value is still worse than a fixed threshold after
/// <see cref="ThresholdOptions.MinEpochs"/> epochs (e.g. "accuracy below chance after 3 epochs").
/// </summary>
public sealed class ThresholdStoppingPolicy : IStoppingPolicy
{
    private readonly ThresholdOptions _options;

    /// <summary>Creates the policy.</summary>
    /// <exception cref="HpoValidationException">The options are invalid.</exception>
    public ThresholdStoppingPolicy(ThresholdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Validate();
    }

    /// <inheritdoc />
    public string Name => "threshold";

    /// <inheritdoc />
    public IReadOnlyList<StoppingDecision> Decide(StoppingContext context, IReadOnlyList<TrialCurve> reports, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(reports);
        return reports.Select(r =>
        {
            if (r.Epoch < _options.MinEpochs)
            {
                return StoppingDecision.Continue($"epoch {r.Epoch} < minEpochs {_options.MinEpochs}");
            }

            double best = context.Metric.Best(r.Values);
            bool stop = context.Metric.IsBetter(_options.Threshold, best);
            return new StoppingDecision(
                stop ? DecisionAction.Stop : DecisionAction.Continue,
                string.Create(CultureInfo.InvariantCulture, $"best {best:G4} {(stop ? "has not reached" : "has reached")} threshold {_options.Threshold:G4}"));
        }).ToArray();
    }
}
