using Hpo.Scheduler.Prediction;
using System.Buffers;
using System.Globalization;
using Hpo.LcPfn.Distribution;
using Hpo.LcPfn.Models;
using Hpo.LcPfn.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Hpo.LcPfn.Inference;

/// <summary>
/// Answers <see cref="CurveQuery"/>s with a loaded LC-PFN: many partial curves of different lengths per
/// forward pass (each laid out as its observed prefix, then its query epochs, then padding to the
/// pass's longest curve; the attention mask keeps padding and other queries invisible), returning the
/// full-support bar distribution at every requested epoch, computed with the model's weight matrices rounded to
/// bfloat16 (<see cref="LcPfnModel.WithBfloat16Weights"/>: half the bytes to read per pass; the held-out log-likelihood
/// moves by at most 2e-4). A pass of at most
/// <see cref="DefaultSmallPassMaxPositions"/> positions (a stopping decision for one trial or a few) runs in managed code
/// (<see cref="SmallPassKernel"/>, several times faster there); a larger one in libtorch. Thread-safe: concurrent small
/// passes run side by side; large ones take turns on libtorch, which uses its own threads.
/// </summary>
public sealed class LcPfnPredictor : ICurvePredictor, IDisposable
{
    /// <summary>Default most curves per forward pass (bounds memory: activations grow with curves × positions).</summary>
    public const int DefaultMaxBatchCurves = 512;

    // The prior's noise-free curves lie in [0, 1] and its noisy observations rarely leave that by more
    // than a few hundredths. A value half a unit outside is almost surely a metric that was not
    // normalised (a raw loss, a percentage), and its prediction would be meaningless.
    private const double MinValue = -0.5;
    private const double MaxValue = 1.5;

    /// <summary>
    /// The most positions (curves × positions per curve) a pass may have to run in managed code
    /// (<see cref="SmallPassKernel"/>); larger passes run in libtorch. 48 is about where the two cost the same with the default
    /// model's weights in cache on a 2-core AMD EPYC. A bound of 16 made passes of 17–48 positions slower than before:
    /// alternating with the kernel's small passes, libtorch found its own copy of the weights evicted (BENCHMARKS §4,
    /// "Small passes in managed code").
    /// </summary>
    internal const int DefaultSmallPassMaxPositions = 48;

    private readonly LcPfnModel _model;
    // The model as served: its weight matrices rounded to bfloat16 (Bfloat16's remarks), used by both paths.
    private readonly LcPfnModel _served;
    private readonly SmallPassKernel _kernel;
    private readonly int _smallPassMaxPositions;
    private readonly bool _ownsModel;
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>Wraps an already loaded model (not disposed by this predictor).</summary>
    public LcPfnPredictor(LcPfnModel model, int maxBatchCurves = DefaultMaxBatchCurves)
        : this(model, ownsModel: false, maxBatchCurves)
    {
    }

    /// <summary>Wraps a model; <paramref name="smallPassMaxPositions"/> 0 sends every pass to libtorch (tests compare the paths).</summary>
    internal LcPfnPredictor(LcPfnModel model, int maxBatchCurves, int smallPassMaxPositions)
        : this(model, ownsModel: false, maxBatchCurves, smallPassMaxPositions)
    {
    }

    private LcPfnPredictor(LcPfnModel model, bool ownsModel, int maxBatchCurves, int smallPassMaxPositions = DefaultSmallPassMaxPositions)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchCurves, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(smallPassMaxPositions);
        TorchRuntime.EnsureLoaded();
        _model = model;
        _ownsModel = ownsModel;
        MaxBatchCurves = maxBatchCurves;
        model.Network.eval();
        // The weights are read once, here: a model is immutable once loaded (training works on its own copy).
        _served = model.WithBfloat16Weights();
        _kernel = SmallPassKernel.From(_served.Network);
        _smallPassMaxPositions = smallPassMaxPositions;
    }

    /// <summary>Loads a model file and creates a predictor that owns it.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="LcPfnModelFormatException">The file is not a valid model.</exception>
    public static LcPfnPredictor Load(string path, int maxBatchCurves = DefaultMaxBatchCurves)
    {
        var model = LcPfnModel.Load(path);
        try
        {
            return new LcPfnPredictor(model, ownsModel: true, maxBatchCurves);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Loads the default model (see <see cref="DefaultModelLocator"/>).</summary>
    /// <exception cref="FileNotFoundException">No default model exists; the message lists where it was looked for.</exception>
    /// <exception cref="LcPfnModelFormatException">The file is not a valid model.</exception>
    public static LcPfnPredictor LoadDefault(int maxBatchCurves = DefaultMaxBatchCurves) => Load(DefaultModelLocator.Require(), maxBatchCurves);

    /// <summary>The model answering the queries.</summary>
    public LcPfnModel Model => _model;

    /// <inheritdoc />
    public int MaxEpochs => _model.Architecture.MaxEpochs;

    /// <summary>The most curves in one forward pass; larger requests are split.</summary>
    public int MaxBatchCurves { get; }

    /// <summary>The range of observed values accepted: [0, 1] widened by 0.5 for noise (model space).</summary>
    public (double Min, double Max) SupportedValueRange => (MinValue, MaxValue);

    /// <inheritdoc />
    public IReadOnlyList<CurvePrediction> Predict(IReadOnlyList<CurveQuery> queries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        for (int i = 0; i < queries.Count; i++)
        {
            Validate(queries[i], i);
        }

        var results = new CurvePrediction[queries.Count];
        for (int i = 0; i < queries.Count; i++)
        {
            if (queries[i].QueryEpochs.Count == 0)
            {
                results[i] = new CurvePrediction([], []);
            }
        }

        foreach (var chunk in Chunks(queries))
        {
            cancellationToken.ThrowIfCancellationRequested();
            PredictChunk(queries, chunk, results);
        }

        return results;
    }

    /// <summary>
    /// Groups the queries into forward passes. A curve takes (observed + query epochs) positions and
    /// every curve in a pass is padded to the pass's longest, so queries are sorted by length and a new
    /// pass starts when a curve is much longer than the pass's first (more than 1.5× + 8 positions) or
    /// the pass is full: a handful of passes instead of one, but little compute spent on padding. Curves
    /// of similar length (the usual case) share one pass.
    /// </summary>
    private IEnumerable<int[]> Chunks(IReadOnlyList<CurveQuery> queries)
    {
        // A curve with no query epochs needs no forward pass (Predict answers it directly).
        var order = Enumerable.Range(0, queries.Count)
            .Where(i => queries[i].QueryEpochs.Count > 0)
            .OrderBy(i => queries[i].Observed.Count + queries[i].QueryEpochs.Count)
            .ToArray();
        var current = new List<int>();
        int firstLength = 0;
        foreach (int i in order)
        {
            int length = queries[i].Observed.Count + queries[i].QueryEpochs.Count;
            if (current.Count > 0 && (current.Count == MaxBatchCurves || length > 1.5 * firstLength + 8))
            {
                yield return current.ToArray();
                current.Clear();
            }

            if (current.Count == 0)
            {
                firstLength = length;
            }

            current.Add(i);
        }

        if (current.Count > 0)
        {
            yield return current.ToArray();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _served.Dispose();
            if (_ownsModel)
            {
                _model.Dispose();
            }
        }
    }

    private void PredictChunk(IReadOnlyList<CurveQuery> queries, int[] chunk, CurvePrediction[] results)
    {
        int count = chunk.Length;
        int seq = 0;
        int totalQueries = 0;
        for (int i = 0; i < count; i++)
        {
            var q = queries[chunk[i]];
            seq = Math.Max(seq, q.Observed.Count + q.QueryEpochs.Count);
            totalQueries += q.QueryEpochs.Count;
        }

        // Compact layout per curve: [observed | queries | padding up to the pass's longest curve]. The
        // mask lets a position see only observed keys and itself, so neither a curve's padding nor its
        // other queries (wherever they sit) change a query's output; packing queries right after the
        // observed prefix makes the pass as long as its longest curve, not its longest prefix plus its
        // most queries (≈ 2× the positions, ≈ 4× the attention, for a batch of running trials).
        var epochs = new float[count * seq];
        var values = new float[count * seq];
        var observed = new float[count * seq];
        // Flat (curve · seq + position) indices of the query rows, in curve then query order: only these
        // go through the output head, whose 1000-bucket projection costs as much as an encoder layer.
        var queryRows = new long[totalQueries];
        Array.Fill(epochs, 1f);
        int next = 0;
        for (int i = 0; i < count; i++)
        {
            var q = queries[chunk[i]];
            int row = i * seq;
            int n = q.Observed.Count;
            for (int j = 0; j < n; j++)
            {
                epochs[row + j] = j + 1;
                values[row + j] = (float)q.Observed[j];
                observed[row + j] = 1;
            }

            for (int k = 0; k < q.QueryEpochs.Count; k++)
            {
                epochs[row + n + k] = q.QueryEpochs[k];
                queryRows[next++] = row + n + k;
            }
        }

        int buckets = _model.Architecture.Buckets;
        int probabilityCount = totalQueries * buckets;
        // Pooled: a batch of running trials needs megabytes here on every decision round.
        float[] probabilities = ArrayPool<float>.Shared.Rent(probabilityCount);
        try
        {
            if (count * seq <= _smallPassMaxPositions)
            {
                // Immutable weights: concurrent small passes run side by side, without the gate.
                ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
                _kernel.Probabilities(epochs, values, observed, count, seq, queryRows, probabilities.AsSpan(0, probabilityCount));
            }
            else
            {
                lock (_gate)
                {
                    ObjectDisposedException.ThrowIf(_disposed, this);
                    using var noGrad = no_grad();
                    using var scope = NewDisposeScope();
                    var e = tensor(epochs, [count, seq]);
                    var v = tensor(values, [count, seq]);
                    var o = tensor(observed, [count, seq]);
                    var hidden = _served.Network.forward(e, v, o);
                    var queryHidden = hidden.reshape(count * seq, hidden.shape[2]).index_select(0, tensor(queryRows));
                    nn.functional.softmax(_served.Network.Decode(queryHidden), -1).contiguous().data<float>().CopyTo(probabilities);
                }
            }

            var shape = _model.Distribution;
            int offset = 0;
            for (int i = 0; i < count; i++)
            {
                var q = queries[chunk[i]];
                var atEpoch = new IPredictiveDistribution[q.QueryEpochs.Count];
                for (int k = 0; k < atEpoch.Length; k++)
                {
                    atEpoch[k] = shape.FromProbabilities(probabilities.AsSpan(offset, buckets));
                    offset += buckets;
                }

                results[chunk[i]] = new CurvePrediction(q.QueryEpochs.ToArray(), atEpoch);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(probabilities);
        }
    }

    private void Validate(CurveQuery? query, int index)
    {
        if (query is null)
        {
            throw new ArgumentException($"Query {index} is null.", nameof(query));
        }

        if (query.Observed is null || query.Observed.Count == 0)
        {
            throw new ArgumentException($"Query {index} has no observed values; the model needs at least the first epoch's value.", nameof(query));
        }

        if (query.Observed.Count > MaxEpochs)
        {
            throw new ArgumentException($"Query {index} has {query.Observed.Count} observed epochs but the model covers only {MaxEpochs}; map longer curves onto the model's epochs with EpochMap (Hpo.Scheduler.Stopping.LcPfn) first.", nameof(query));
        }

        for (int j = 0; j < query.Observed.Count; j++)
        {
            double y = query.Observed[j];
            if (!double.IsFinite(y))
            {
                throw new ArgumentException($"Query {index}: the value at epoch {j + 1} is {y.ToString(CultureInfo.InvariantCulture)}; values must be finite numbers.", nameof(query));
            }

            if (y < MinValue || y > MaxValue)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Query {index}: the value at epoch {j + 1} is {y}, outside the range this model supports ([{MinValue:G4}, {MaxValue:G4}]); normalise the metric into [0, 1] (higher is better) with MetricScale (Hpo.Scheduler.Stopping.LcPfn) first."), nameof(query));
            }
        }

        if (query.QueryEpochs is null)
        {
            throw new ArgumentException($"Query {index} has no list of query epochs.", nameof(query));
        }

        foreach (int epoch in query.QueryEpochs)
        {
            if (epoch < 1)
            {
                throw new ArgumentException($"Query {index} asks for epoch {epoch}; epochs start at 1.", nameof(query));
            }

            if (epoch > MaxEpochs)
            {
                throw new ArgumentException($"Query {index} asks for epoch {epoch}, outside the model's range 1..{MaxEpochs}; map longer curves onto the model's epochs with EpochMap (Hpo.Scheduler.Stopping.LcPfn) first.", nameof(query));
            }
        }
    }
}
