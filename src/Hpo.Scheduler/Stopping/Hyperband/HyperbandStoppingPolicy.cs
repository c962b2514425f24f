using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping.Asha;

namespace Hpo.Scheduler.Stopping.Hyperband;

/// <summary>
/// Hyperband as brackets of ASHA: bracket s has r_min·η^s as its first rung, trials are assigned to
/// brackets round-robin by number (trial n goes to bracket (n − 1) mod brackets), and a trial competes
/// only with trials of its own bracket.
/// </summary>
public sealed class HyperbandStoppingPolicy : IStoppingPolicy
{
    private readonly HyperbandOptions _options;

    /// <summary>Creates the policy.</summary>
    /// <exception cref="HpoValidationException">The options are invalid.</exception>
    public HyperbandStoppingPolicy(HyperbandOptions? options = null)
    {
        _options = (options ?? new HyperbandOptions()).Validate();
    }

    /// <inheritdoc />
    public string Name => "hyperband";

    /// <summary>The brackets' rungs for trials of <paramref name="maxEpochs"/> epochs (bracket 0 first).</summary>
    public IReadOnlyList<AshaRungs> BracketsFor(int maxEpochs)
    {
        var brackets = new List<AshaRungs>();
        for (long r = _options.MinResource; r < maxEpochs || brackets.Count == 0; r *= _options.Eta)
        {
            brackets.Add(new AshaRungs(_options.Eta, (int)Math.Min(r, int.MaxValue), maxEpochs));
            if (_options.Brackets is { } cap && brackets.Count == cap)
            {
                break;
            }
        }

        return brackets;
    }

    /// <summary>The bracket (0-based) of trial number <paramref name="trialNumber"/>.</summary>
    public static int BracketOf(int trialNumber, int bracketCount) => (int)(((long)trialNumber - 1) % bracketCount + bracketCount) % bracketCount;

    /// <inheritdoc />
    public IReadOnlyList<StoppingDecision> Decide(StoppingContext context, IReadOnlyList<TrialCurve> reports, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(reports);
        var brackets = BracketsFor(context.MaxEpochs);
        return reports.Select(r =>
        {
            int b = BracketOf(r.Number, brackets.Count);
            var peers = context.Curves.Where(c => BracketOf(c.Number, brackets.Count) == b);
            var d = AshaStoppingPolicy.DecideAtRung(brackets[b], context.Metric, r, peers);
            return d with { Reason = $"bracket {b} (r_min {brackets[b].MinResource}): {d.Reason}" };
        }).ToArray();
    }
}
