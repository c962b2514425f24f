using Hpo.Scheduler.AutoMl;
using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Scheduler.Tuning;

/// <summary>
/// Samples each configuration independently from the search space. The proposal for trial <c>n</c>
/// depends only on the seed and <c>n</c>, so a resumed experiment proposes exactly what the
/// uninterrupted one would have.
/// </summary>
public sealed class RandomSearchTuner : ITuner
{
    private readonly SearchSpace _space;
    private readonly int _seed;
    private readonly Lock _gate = new();
    private TrialResult? _best;

    /// <summary>Creates the tuner.</summary>
    public RandomSearchTuner(SearchSpace space, int seed)
    {
        ArgumentNullException.ThrowIfNull(space);
        _space = space;
        _seed = seed;
    }

    /// <summary>The result with the lowest loss fed back so far, or null.</summary>
    public TrialResult? Best
    {
        get
        {
            lock (_gate)
            {
                return _best;
            }
        }
    }

    /// <inheritdoc />
    public TrialParameters Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return _space.Sample(new Random(SeedMixer.Mix(_seed, settings.TrialId)));
    }

    /// <inheritdoc />
    public void Update(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        lock (_gate)
        {
            if (_best is null || result.Loss < _best.Loss)
            {
                _best = result;
            }
        }
    }
}
