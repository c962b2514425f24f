using System.Globalization;
using System.Text.Json;
using Hpo.Scheduler.SearchSpaces;
using Microsoft.ML.OnnxRuntime;

namespace Hpo.Workloads.LcBench;

/// <summary>
/// The YAHPO Gym LCBench surrogate (<c>model.onnx</c> in the yahpo-lcbench folder): for an OpenML task
/// and an MLP configuration it gives the 52-epoch validation-accuracy curve. Deterministic and
/// thread-safe; many configurations go through one ONNX call.
/// </summary>
/// <remarks>
/// ONNX contract (folder README): inputs <c>x_cat</c> int32 [n, 1] (the task id encoded through
/// <c>encoding.json</c>) and <c>x_cont</c> float32 [n, 8] (epoch, batch_size, learning_rate, momentum,
/// weight_decay, num_layers, max_units, max_dropout, untransformed); output <c>output</c> float32 [n, 6]
/// whose column 1 is val_accuracy in percent.
/// </remarks>
public sealed class LcBenchSurrogate : IDisposable
{
    /// <summary>The epochs of every LCBench curve.</summary>
    public const int Epochs = 52;

    /// <summary>The configuration parameters the surrogate reads, in <c>x_cont</c> order after the epoch.</summary>
    public static readonly IReadOnlyList<string> ParameterNames =
        ["batch_size", "learning_rate", "momentum", "weight_decay", "num_layers", "max_units", "max_dropout"];

    private const int ValAccuracyColumn = 1;
    private const int OutputColumns = 6;
    private readonly InferenceSession _session;
    private readonly Dictionary<string, int> _taskCodes;

    /// <summary>Loads the surrogate from <paramref name="dataFolder"/> (model.onnx, encoding.json, config_space.json).</summary>
    /// <param name="dataFolder">The yahpo-lcbench folder.</param>
    /// <param name="intraOpThreads">
    /// ONNX Runtime threads per call. Default 1: the network is small and callers (trials, simulations)
    /// run in parallel; raise it for one caller pushing large batches.
    /// </param>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    public LcBenchSurrogate(string dataFolder, int intraOpThreads = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataFolder);
        ArgumentOutOfRangeException.ThrowIfLessThan(intraOpThreads, 1);
        string model = RequireFile(dataFolder, "model.onnx");
        using var encoding = JsonDocument.Parse(File.ReadAllText(RequireFile(dataFolder, "encoding.json")));
        _taskCodes = encoding.RootElement.GetProperty("OpenML_task_id").EnumerateObject()
            .Where(p => p.Name != "#na#")
            .ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);
        SearchSpace = LcBenchSearchSpace.Load(dataFolder);

        using var options = new SessionOptions { IntraOpNumThreads = intraOpThreads, InterOpNumThreads = 1 };
        _session = new InferenceSession(model, options);
    }

    /// <summary>The LCBench search space (from config_space.json, without the task id and the epoch).</summary>
    public SearchSpace SearchSpace { get; }

    /// <summary>The OpenML task ids the surrogate knows.</summary>
    public IReadOnlyCollection<string> TaskIds => _taskCodes.Keys;

    /// <summary>
    /// The val_accuracy curves (fractions in [0, 1], epochs 1..52) of <paramref name="configurations"/>
    /// on <paramref name="taskId"/>, all in one ONNX call.
    /// </summary>
    /// <exception cref="ArgumentException">The task is unknown, or a configuration is not in the LCBench space (the message names the parameter).</exception>
    public double[][] PredictCurves(string taskId, IReadOnlyList<TrialParameters> configurations) =>
        Predict(taskId, configurations, 1, Epochs);

    /// <summary>
    /// Epochs <paramref name="firstEpoch"/>..<paramref name="lastEpoch"/> of one configuration's curve (fractions), in one
    /// ONNX call. The network reads each epoch as a row of its own, so a part costs its rows; values may differ from
    /// <see cref="PredictCurves"/>' in the last digits (about 1e-6: the kernels' blocking depends on the number of rows).
    /// </summary>
    /// <exception cref="ArgumentException">The task is unknown, or the configuration is not in the LCBench space.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The epochs are not a range within 1..52.</exception>
    public double[] PredictEpochs(string taskId, TrialParameters configuration, int firstEpoch, int lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentOutOfRangeException.ThrowIfLessThan(firstEpoch, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lastEpoch, Epochs);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstEpoch, lastEpoch);
        return Predict(taskId, [configuration], firstEpoch, lastEpoch)[0];
    }

    private double[][] Predict(string taskId, IReadOnlyList<TrialParameters> configurations, int firstEpoch, int lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(configurations);
        int code = EncodeTask(taskId);
        int n = configurations.Count;
        if (n == 0)
        {
            return [];
        }

        int epochs = lastEpoch - firstEpoch + 1;
        var cats = new int[n * epochs];
        var conts = new float[n * epochs * 8];
        for (int i = 0; i < n; i++)
        {
            var errors = SearchSpace.FindErrors(configurations[i]);
            if (errors.Count > 0)
            {
                throw new ArgumentException($"Configuration {i} is not an LCBench configuration: {string.Join(" ", errors)}", nameof(configurations));
            }

            var raw = ParameterNames.Select(name => (float)configurations[i].GetDouble(name)).ToArray();
            for (int e = 0; e < epochs; e++)
            {
                int row = (i * epochs) + e;
                cats[row] = code;
                conts[row * 8] = firstEpoch + e;
                raw.CopyTo(conts.AsSpan((row * 8) + 1, 7));
            }
        }

        using var catValue = OrtValue.CreateTensorValueFromMemory(cats, [n * epochs, 1]);
        using var contValue = OrtValue.CreateTensorValueFromMemory(conts, [n * epochs, 8]);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, ["x_cat", "x_cont"], [catValue, contValue], ["output"]);
        var data = outputs[0].GetTensorDataAsSpan<float>();
        var curves = new double[n][];
        for (int i = 0; i < n; i++)
        {
            curves[i] = new double[epochs];
            for (int e = 0; e < epochs; e++)
            {
                curves[i][e] = data[(((i * epochs) + e) * OutputColumns) + ValAccuracyColumn] / 100.0;
            }
        }

        return curves;
    }

    /// <summary>The model's code for <paramref name="taskId"/>.</summary>
    /// <exception cref="ArgumentException">The task is unknown.</exception>
    public int EncodeTask(string taskId) =>
        taskId is not null && _taskCodes.TryGetValue(taskId, out int code)
            ? code
            : throw new ArgumentException($"OpenML task id '{taskId}' is not an LCBench task (known: {string.Join(", ", _taskCodes.Keys.Order(StringComparer.Ordinal))}).", nameof(taskId));

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();

    private static string RequireFile(string folder, string name)
    {
        string path = Path.Combine(folder, name);
        return File.Exists(path) ? path : throw new FileNotFoundException(string.Create(CultureInfo.InvariantCulture, $"The LCBench surrogate folder lacks {name}."), path);
    }
}
