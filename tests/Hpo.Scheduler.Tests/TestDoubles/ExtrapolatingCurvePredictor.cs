using Hpo.Scheduler.Prediction;

namespace Hpo.Scheduler.Tests.TestDoubles;

/// <summary>
/// A hand-written predictor for tests: a Gaussian around the least-squares line through the last
/// (up to) three observed points, its mean clamped to [0, 1] and its spread growing linearly with the
/// distance from the last observation. Records every call so tests can check batching.
/// </summary>
internal sealed class ExtrapolatingCurvePredictor(double baseSd = 0.02, double sdPerEpoch = 0.01, int maxEpochs = 100) : ICurvePredictor
{
    private readonly List<int> _batchSizes = [];
    private readonly Lock _gate = new();

    public int MaxEpochs { get; } = maxEpochs;

    /// <summary>How many queries each call carried.</summary>
    public IReadOnlyList<int> BatchSizes
    {
        get
        {
            lock (_gate)
            {
                return _batchSizes.ToArray();
            }
        }
    }

    /// <summary>Every query seen, in order.</summary>
    public List<CurveQuery> Queries { get; } = [];

    /// <summary>Called inside <see cref="Predict"/> before it answers (tests use it to hold a call open).</summary>
    public Action? OnPredict { get; set; }

    public IReadOnlyList<CurvePrediction> Predict(IReadOnlyList<CurveQuery> queries, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _batchSizes.Add(queries.Count);
            Queries.AddRange(queries);
        }

        OnPredict?.Invoke();
        return queries.Select(q =>
        {
            if (q.Observed.Count == 0 || q.QueryEpochs.Any(e => e < 1 || e > MaxEpochs))
            {
                throw new ArgumentException("Empty curve or query epoch outside 1..MaxEpochs.", nameof(queries));
            }

            int n = q.Observed.Count;
            int k = Math.Min(3, n);
            double slope = 0, intercept = q.Observed[^1];
            if (k > 1)
            {
                double mx = 0, my = 0;
                for (int i = n - k; i < n; i++)
                {
                    mx += i + 1;
                    my += q.Observed[i];
                }

                mx /= k;
                my /= k;
                double sxy = 0, sxx = 0;
                for (int i = n - k; i < n; i++)
                {
                    sxy += (i + 1 - mx) * (q.Observed[i] - my);
                    sxx += (i + 1 - mx) * (i + 1 - mx);
                }

                slope = sxy / sxx;
                intercept = my - (slope * mx);
            }

            var dists = q.QueryEpochs.Select(e => (IPredictiveDistribution)new GaussianDistribution(
                Math.Clamp(intercept + (slope * e), 0, 1),
                baseSd + (sdPerEpoch * (e - n)))).ToArray();
            return new CurvePrediction(q.QueryEpochs, dists);
        }).ToArray();
    }
}
