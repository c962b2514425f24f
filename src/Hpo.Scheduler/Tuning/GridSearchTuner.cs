using Hpo.Scheduler.AutoMl;
using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Scheduler.Tuning;

/// <summary>
/// Visits the grid of the search space (<see cref="SearchSpace.EnumerateGrid"/>) in a seeded random
/// order, so that a budget smaller than the grid still covers it evenly. Trial <c>n</c> gets grid point
/// <c>order[n - 1]</c>; the order depends only on the seed, so resume proposes the same points.
/// </summary>
public sealed class GridSearchTuner : IFiniteTuner
{
    private readonly SearchSpace _space;
    private readonly int _pointsPerNumeric;
    private readonly long[] _order;
    private readonly HashSet<string> _evaluated = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Creates the tuner.</summary>
    /// <param name="space">The space whose grid is visited.</param>
    /// <param name="pointsPerNumeric">Points per float or int dimension (≥ 1; categorical dimensions use every choice).</param>
    /// <param name="seed">Seeds the visiting order; <paramref name="shuffle"/> false keeps the enumeration order.</param>
    /// <param name="shuffle">Whether to visit the grid in a seeded random order.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pointsPerNumeric"/> &lt; 1 or the grid has more than 10 million points.</exception>
    public GridSearchTuner(SearchSpace space, int pointsPerNumeric = 5, int seed = 0, bool shuffle = true)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentOutOfRangeException.ThrowIfLessThan(pointsPerNumeric, 1);
        long size = space.GridSize(pointsPerNumeric);
        if (size > 10_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(pointsPerNumeric), $"The grid has {size} points; use fewer points per numeric parameter or random search.");
        }

        _space = space;
        _pointsPerNumeric = pointsPerNumeric;
        _order = new long[size];
        for (long i = 0; i < size; i++)
        {
            _order[i] = i;
        }

        if (shuffle)
        {
            new Random(seed).Shuffle(_order);
        }
    }

    /// <inheritdoc />
    public long Capacity => _order.LongLength;

    /// <summary>How many distinct grid points have been fed back through <see cref="Update"/>.</summary>
    public int EvaluatedCount
    {
        get
        {
            lock (_gate)
            {
                return _evaluated.Count;
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The trial number is beyond the grid.</exception>
    public TrialParameters Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.TrialId < 1 || settings.TrialId > _order.LongLength)
        {
            throw new InvalidOperationException($"Trial {settings.TrialId} is beyond the grid of {_order.LongLength} points.");
        }

        return _space.GridPoint(_order[settings.TrialId - 1], _pointsPerNumeric);
    }

    /// <inheritdoc />
    public void Update(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        lock (_gate)
        {
            _evaluated.Add(result.TrialSettings.Parameter.ToJson());
        }
    }
}
