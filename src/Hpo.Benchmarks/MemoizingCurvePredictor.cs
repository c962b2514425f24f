using Hpo.LcPfn.Distribution;
using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;

namespace Hpo.Benchmarks;

/// <summary>
/// An <see cref="ICurvePredictor"/> decorator that remembers every answer by its query (observed prefix
/// and query epochs). The LC-PFN's prediction depends on nothing else, so a simulation that meets the same
/// configuration at the same epoch in many orderings asks the model once; the policy still decides from
/// the remembered distributions, exactly as from fresh ones. <see cref="Prefetch"/> answers the queries of
/// many simulated experiments in one batch.
/// </summary>
/// <remarks>
/// Memory is bounded: when the remembered distributions exceed <c>capacityBytes</c> the memory is
/// emptied (simple, and a benchmark empties it per task anyway). Thread-safe.
/// </remarks>
public sealed class MemoizingCurvePredictor : ICurvePredictor
{
    private const int LengthBand = 8;
    private readonly ICurvePredictor _inner;
    private readonly long _capacityBytes;
    private readonly Dictionary<QueryKey, CurvePrediction> _memory = [];
    private readonly Lock _gate = new();
    private long _bytes;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The predictor that answers what is not remembered.</param>
    /// <param name="capacityBytes">The most memory (estimated) the remembered distributions may take.</param>
    public MemoizingCurvePredictor(ICurvePredictor inner, long capacityBytes = 2L << 30)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityBytes, 1);
        _inner = inner;
        _capacityBytes = capacityBytes;
    }

    /// <inheritdoc />
    public int MaxEpochs => _inner.MaxEpochs;

    /// <summary>Queries answered from memory.</summary>
    public long Hits { get; private set; }

    /// <summary>Queries sent to the inner predictor.</summary>
    public long Misses { get; private set; }

    /// <summary>Calls made to the inner predictor.</summary>
    public long InnerCalls { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<CurvePrediction> Predict(IReadOnlyList<CurveQuery> queries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var keys = queries.Select(q => new QueryKey(q)).ToArray();
        Fill(queries, keys, cancellationToken);
        lock (_gate)
        {
            var result = new CurvePrediction[queries.Count];
            var missing = new List<int>();
            for (int i = 0; i < keys.Length; i++)
            {
                if (_memory.TryGetValue(keys[i], out var known))
                {
                    result[i] = known;
                }
                else
                {
                    missing.Add(i);
                }
            }

            if (missing.Count == 0)
            {
                return result;
            }

            // The memory was emptied between filling and reading (capacity reached): ask again, uncached.
            var again = _inner.Predict(missing.Select(i => queries[i]).ToArray(), cancellationToken);
            InnerCalls++;
            for (int k = 0; k < missing.Count; k++)
            {
                result[missing[k]] = again[k];
            }

            return result;
        }
    }

    /// <summary>Answers the not yet remembered queries of <paramref name="queries"/> (one inner call per band of similar observed lengths) and remembers them.</summary>
    public void Prefetch(IReadOnlyList<CurveQuery> queries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        Fill(queries, queries.Select(q => new QueryKey(q)).ToArray(), cancellationToken);
    }

    /// <summary>Forgets every remembered answer.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _memory.Clear();
            _bytes = 0;
        }
    }

    private void Fill(IReadOnlyList<CurveQuery> queries, QueryKey[] keys, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var missing = new List<int>();
            var pending = new HashSet<QueryKey>();
            for (int i = 0; i < keys.Length; i++)
            {
                if (_memory.ContainsKey(keys[i]))
                {
                    Hits++;
                }
                else if (pending.Add(keys[i]))
                {
                    missing.Add(i);
                }
                else
                {
                    // A duplicate within the batch is answered by the first one's prediction.
                    Hits++;
                }
            }

            if (missing.Count == 0)
            {
                return;
            }

            // One inner call per band of observed lengths: the predictor pads every curve of a pass to the
            // pass's longest observed prefix plus its most query epochs, so a pass mixing a 5-epoch and a
            // 50-epoch prefix of 52-epoch runs would cost almost twice the positions (and attention ~4×).
            var answers = new CurvePrediction[missing.Count];
            foreach (var band in Enumerable.Range(0, missing.Count).GroupBy(k => queries[missing[k]].Observed.Count / LengthBand))
            {
                var members = band.ToArray();
                var predicted = _inner.Predict(members.Select(k => queries[missing[k]]).ToArray(), cancellationToken);
                InnerCalls++;
                for (int j = 0; j < members.Length; j++)
                {
                    answers[members[j]] = predicted[j];
                }
            }

            Misses += missing.Count;
            long added = answers.Sum(EstimateBytes);
            if (_bytes + added > _capacityBytes)
            {
                _memory.Clear();
                _bytes = 0;
            }

            for (int k = 0; k < missing.Count; k++)
            {
                _memory[keys[missing[k]]] = answers[k];
            }

            _bytes += added;
        }
    }

    private static long EstimateBytes(CurvePrediction prediction) =>
        prediction.AtEpoch.Sum(d => d is BarPredictiveDistribution bar ? 64 + (16L * bar.Probabilities.Count) : 64);

    private sealed class QueryKey : IEquatable<QueryKey>
    {
        private readonly double[] _observed;
        private readonly int[] _epochs;
        private readonly int _hash;

        public QueryKey(CurveQuery query)
        {
            ArgumentNullException.ThrowIfNull(query);
            _observed = query.Observed.ToArray();
            _epochs = query.QueryEpochs.ToArray();
            var hash = default(HashCode);
            foreach (double v in _observed)
            {
                hash.Add(v);
            }

            hash.Add(-1);
            foreach (int e in _epochs)
            {
                hash.Add(e);
            }

            _hash = hash.ToHashCode();
        }

        public bool Equals(QueryKey? other) =>
            other is not null && _hash == other._hash && _observed.AsSpan().SequenceEqual(other._observed) && _epochs.AsSpan().SequenceEqual(other._epochs);

        public override bool Equals(object? obj) => Equals(obj as QueryKey);

        public override int GetHashCode() => _hash;
    }
}
