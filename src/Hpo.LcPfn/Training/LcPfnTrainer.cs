using System.Diagnostics;
using System.Text.Json;
using Hpo.LcPfn.Distribution;
using Hpo.LcPfn.Model;
using Hpo.LcPfn.Models;
using Hpo.LcPfn.Prior;
using Hpo.LcPfn.Runtime;
using GcSafe = Hpo.LcPfn.Runtime.GcSafe;
using TorchSharp;
using static TorchSharp.torch;

namespace Hpo.LcPfn.Training;

/// <summary>
/// Trains an LC-PFN on curves from <see cref="LearningCurvePrior"/> (spec §4). Each step draws one
/// cut-off for the whole batch; positions before it are observed, the rest are queries, and the loss is
/// the mean negative log-density of the noisy values at the query positions. Writes atomic checkpoints
/// (the model plus optimizer and step state) that <see cref="TrainAsync"/> can resume from; because every
/// batch, cut-off and dropout mask is keyed by (seed, step), a resumed run continues exactly as an
/// uninterrupted one would.
/// </summary>
public static class LcPfnTrainer
{
    /// <summary>Name of the checkpoint section holding the training state (JSON).</summary>
    internal const string StateSection = "training-state";

    /// <summary>Name of the checkpoint section holding the AdamW state.</summary>
    internal const string OptimizerSection = "optimizer";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };

    /// <summary>The checkpoint file written beside <paramref name="outputPath"/>.</summary>
    public static string CheckpointPath(string outputPath) => outputPath + ".ckpt";

    /// <summary>
    /// Trains (or, with <paramref name="resume"/>, continues from <see cref="CheckpointPath"/>) and writes
    /// the final model to <paramref name="outputPath"/>. The model file is also refreshed at every
    /// checkpoint, so a usable model exists during a long run. On cancellation a checkpoint is written first.
    /// </summary>
    /// <returns>The trained model (caller disposes).</returns>
    /// <exception cref="ArgumentException">Invalid options, or a resume whose options do not match the checkpoint.</exception>
    /// <exception cref="InvalidOperationException">The device is unavailable, or a checkpoint already exists and <paramref name="resume"/> is false.</exception>
    public static Task<LcPfnModel> TrainAsync(
        LcPfnTrainingOptions options,
        string outputPath,
        bool resume = false,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        options.Validate();
        return Task.Run(() => TrainCoreAsync(options, outputPath, resume, progress, cancellationToken), cancellationToken);
    }

    /// <summary>Reads the options stored in a checkpoint (to resume with, or to compare against).</summary>
    /// <exception cref="LcPfnModelFormatException">The file is not a checkpoint.</exception>
    public static LcPfnTrainingOptions ReadCheckpointOptions(string checkpointPath)
    {
        using var model = LcPfnModel.Load(checkpointPath, out var sections);
        return ReadState(sections, checkpointPath).Options;
    }

    private static async Task<LcPfnModel> TrainCoreAsync(LcPfnTrainingOptions options, string outputPath, bool resume, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        TorchRuntime.EnsureLoaded();
        var device = ResolveDevice(options.Device);
        TorchRuntime.SetThreads(options.Threads);
        string checkpointPath = CheckpointPath(outputPath);
        EnsureWritable(outputPath);
        var prior = options.Prior;
        int seq = options.Architecture.MaxEpochs;

        LcPfnModel model;
        long startStep = 0;
        byte[]? optimizerState = null;
        if (resume)
        {
            if (!File.Exists(checkpointPath))
            {
                throw new InvalidOperationException($"Cannot resume: no checkpoint at '{checkpointPath}'. Start without --resume to train from scratch.");
            }

            model = LcPfnModel.Load(checkpointPath, out var sections);
            try
            {
                var state = ReadState(sections, checkpointPath);
                EnsureCompatible(options, state.Options, checkpointPath);
                startStep = state.Step;
                optimizerState = sections.TryGetValue(OptimizerSection, out var bytes) ? bytes : throw new LcPfnModelFormatException($"'{checkpointPath}' has no optimizer state; it is a model file, not a checkpoint.");
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
        else
        {
            if (File.Exists(checkpointPath))
            {
                throw new InvalidOperationException($"A checkpoint already exists at '{checkpointPath}'. Pass --resume to continue it, or delete it to start over.");
            }

            var borders = ComputeBorders(prior, options);
            manual_seed(unchecked((long)Mix(options.Seed, 0xC0FFEE)));
            var network = new LcPfnTransformer(options.Architecture, options.Dropout);
            model = new LcPfnModel(network, new BarDistribution(borders), Metadata(options, 0));
        }

        try
        {
            model.Network.to(device);
            model.Network.train();
            var parameters = model.Network.parameters().ToList();
            using var optimizer = new GcSafe.AdamW(parameters, options.LearningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: options.WeightDecay);
            if (optimizerState is not null)
            {
                using var reader = new BinaryReader(new MemoryStream(optimizerState));
                optimizer.load_state_dict(reader);
            }

            await RunStepsAsync(model, optimizer, parameters, options, prior, device, seq, startStep, checkpointPath, outputPath, progress, cancellationToken).ConfigureAwait(false);
            model.Network.to(CPU);
            model.Network.eval();
            model.Metadata = Metadata(options, options.Steps);
            model.Save(outputPath);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static async Task RunStepsAsync(
        LcPfnModel model,
        TorchSharp.Modules.OptimizerHelper optimizer,
        List<TorchSharp.Modules.Parameter> parameters,
        LcPfnTrainingOptions options,
        LearningCurvePrior prior,
        Device device,
        int seq,
        long startStep,
        string checkpointPath,
        string outputPath,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        int batch = options.BatchSize;

        // The epochs 1..T are the same for every batch: build them once.
        using var epochs = arange(1, seq + 1, dtype: ScalarType.Float32).unsqueeze(0).expand(batch, seq).contiguous().to(device);
        var stopwatch = Stopwatch.StartNew();
        long stepsThisRun = 0;

        // Sample the next batch while the current one trains: the prior must never be the bottleneck.
        Task<float[]>? next = startStep < options.Steps ? SampleAsync(prior, options, startStep) : null;
        for (long step = startStep; step < options.Steps; step++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                WriteCheckpoint(model, optimizer, options, step, checkpointPath, outputPath);
                cancellationToken.ThrowIfCancellationRequested();
            }

            // No torch work spans this await: dispose scopes are per thread, and each step opens and closes its own.
            float[] values = await next!.ConfigureAwait(false);
            next = step + 1 < options.Steps ? SampleAsync(prior, options, step + 1) : null;
            int cutoff = CutoffAt(options.Seed, step, seq);
            double lr = options.LearningRateAt(step);
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = lr;
            }

            double loss;
            using (var scope = NewDisposeScope())
            {
                if (options.Dropout > 0)
                {
                    manual_seed(unchecked((long)Mix(options.Seed, (ulong)PriorStream.Dropout, (ulong)step)));
                }

                var y = tensor(values, [batch, seq]).to(device);
                var observed = arange(seq, device: device).lt(cutoff).to_type(ScalarType.Float32).unsqueeze(0);
                var hidden = model.Network.forward(epochs, y, observed);
                var lossTensor = QueryLoss(model, hidden, y, cutoff);
                optimizer.zero_grad();
                lossTensor.backward();
                if (options.GradientClip > 0)
                {
                    nn.utils.clip_grad_norm_(parameters, options.GradientClip);
                }

                optimizer.step();
                loss = lossTensor.item<float>();
            }

            if (!double.IsFinite(loss))
            {
                throw new InvalidOperationException($"The training loss became {loss} at step {step + 1}; lower the learning rate or enable gradient clipping. The last checkpoint is '{checkpointPath}'.");
            }

            stepsThisRun++;
            long done = step + 1;
            string? written = null;
            if (done % options.CheckpointInterval == 0 && done < options.Steps)
            {
                WriteCheckpoint(model, optimizer, options, done, checkpointPath, outputPath);
                written = checkpointPath;
            }
            else if (done == options.Steps)
            {
                WriteCheckpoint(model, optimizer, options, done, checkpointPath, outputPath);
                written = checkpointPath;
            }

            if (progress is not null)
            {
                double seconds = stopwatch.Elapsed.TotalSeconds;
                double perStep = seconds / stepsThisRun;
                progress.Report(new TrainingProgress(
                    done,
                    options.Steps,
                    loss,
                    lr,
                    stepsThisRun * batch / seconds,
                    perStep,
                    stopwatch.Elapsed,
                    TimeSpan.FromSeconds(perStep * (options.Steps - done)),
                    written));
            }
        }
    }

    /// <summary>
    /// Mean negative log-density over the query positions (epochs after <paramref name="cutoff"/>) of the batch.
    /// The head and the loss run over the query rows in chunks of exactly <see cref="HeadChunkRows"/> rows,
    /// gathered by index from the flattened hidden states, the last chunk padded with row 0 and weighted 0.
    /// Mathematically the same as one call over all query positions, but every buffer then has the same
    /// size at every step. With one call, buffer sizes follow the random cut-off (logits up to 40 MB at
    /// batch 100) and glibc's allocator grew the process by about 10 MB per step; a low mmap threshold
    /// stopped that but made every step pay for fresh pages.
    /// </summary>
    internal static Tensor QueryLoss(LcPfnModel model, Tensor hidden, Tensor values, int cutoff)
    {
        long batch = hidden.shape[0];
        long seq = hidden.shape[1];
        long queries = seq - cutoff;
        long rows = batch * queries;
        long chunks = (rows + HeadChunkRows - 1) / HeadChunkRows;
        var index = new long[chunks * HeadChunkRows];
        var weight = new float[chunks * HeadChunkRows];
        for (long b = 0, r = 0; b < batch; b++)
        {
            for (long j = cutoff; j < seq; j++, r++)
            {
                index[r] = b * seq + j;
                weight[r] = 1;
            }
        }

        var flatHidden = hidden.reshape(batch * seq, hidden.shape[2]);
        var flatValues = values.reshape(batch * seq);
        var indexTensor = tensor(index, device: hidden.device);
        var weightTensor = tensor(weight, device: hidden.device);
        Tensor? total = null;
        for (long c = 0; c < chunks; c++)
        {
            var chunkIndex = indexTensor.narrow(0, c * HeadChunkRows, HeadChunkRows);
            var logits = model.Network.Decode(flatHidden.index_select(0, chunkIndex));
            var logDensity = model.Distribution.LogDensity(logits, flatValues.index_select(0, chunkIndex));
            var chunkSum = (logDensity * weightTensor.narrow(0, c * HeadChunkRows, HeadChunkRows)).sum();
            total = total is null ? chunkSum : total.add(chunkSum, TorchScalars.One);
        }

        using var rowCount = ((double)rows).ToScalar();
        return total!.neg().div(rowCount);
    }

    /// <summary>Query rows per chunk of the output head in training (2 MB of float32 logits at 1000 buckets).</summary>
    internal const int HeadChunkRows = 512;

    /// <summary>The cut-off (observed epochs, 1..T−1) shared by the batch of 0-based <paramref name="step"/>.</summary>
    internal static int CutoffAt(ulong seed, long step, int seq)
    {
        var rng = new SeededRandom(seed, (ulong)PriorStream.TrainingCutoff, (ulong)step);
        return rng.NextInt(1, seq - 1);
    }

    /// <summary>The noisy curves of the batch of 0-based <paramref name="step"/> (batch × T, row-major).</summary>
    internal static float[] SampleBatch(LearningCurvePrior prior, LcPfnTrainingOptions options, long step)
    {
        var values = new float[options.BatchSize * prior.Length];
        prior.SampleMany(options.Seed, PriorStream.Training, step * options.BatchSize, options.BatchSize, values);
        return values;
    }

    /// <summary>The bucket borders of spec §3 for these options: equal-mass quantiles of <see cref="LcPfnTrainingOptions.BorderCurves"/> noisy prior curves.</summary>
    public static double[] ComputeBorders(LearningCurvePrior prior, LcPfnTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(options);
        var values = new float[options.BorderCurves * prior.Length];
        prior.SampleMany(options.Seed, PriorStream.Borders, 0, options.BorderCurves, values, maxThreads: Math.Max(1, Environment.ProcessorCount));
        return BarDistribution.BordersFromSamples(values, options.Architecture.Buckets);
    }

    private static Task<float[]> SampleAsync(LearningCurvePrior prior, LcPfnTrainingOptions options, long step) =>
        Task.Run(() => SampleBatch(prior, options, step));

    private static void WriteCheckpoint(LcPfnModel model, TorchSharp.Modules.OptimizerHelper optimizer, LcPfnTrainingOptions options, long step, string checkpointPath, string outputPath)
    {
        model.Metadata = Metadata(options, step);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            optimizer.save_state_dict(writer);
        }

        var sections = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [StateSection] = JsonSerializer.SerializeToUtf8Bytes(new TrainingState(step, options), JsonOptions),
            [OptimizerSection] = buffer.ToArray(),
        };

        // The checkpoint first: if we die between the two writes, resuming still works.
        model.Save(checkpointPath, sections);
        model.Save(outputPath);
    }

    private static TrainingState ReadState(IReadOnlyDictionary<string, byte[]> sections, string path)
    {
        if (!sections.TryGetValue(StateSection, out var json))
        {
            throw new LcPfnModelFormatException($"'{path}' has no training state; it is a model file, not a checkpoint.");
        }

        try
        {
            return JsonSerializer.Deserialize<TrainingState>(json, JsonOptions) ?? throw new LcPfnModelFormatException($"'{path}' has an empty training state.");
        }
        catch (JsonException ex)
        {
            throw new LcPfnModelFormatException($"'{path}' has an unreadable training state: {ex.Message}", ex);
        }
    }

    private static void EnsureCompatible(LcPfnTrainingOptions requested, LcPfnTrainingOptions stored, string path)
    {
        // Everything that shapes the model or the schedule must match; threads, device and the checkpoint interval may change.
        var differences = new List<string>();
        void Compare<T>(string name, T a, T b)
        {
            if (!EqualityComparer<T>.Default.Equals(a, b))
            {
                differences.Add($"{name}: checkpoint {b}, requested {a}");
            }
        }

        Compare("architecture", requested.Architecture, stored.Architecture);
        Compare("steps", requested.Steps, stored.Steps);
        Compare("batch size", requested.BatchSize, stored.BatchSize);
        Compare("learning rate", requested.LearningRate, stored.LearningRate);
        Compare("warm-up fraction", requested.WarmupFraction, stored.WarmupFraction);
        Compare("gradient clip", requested.GradientClip, stored.GradientClip);
        Compare("weight decay", requested.WeightDecay, stored.WeightDecay);
        Compare("dropout", requested.Dropout, stored.Dropout);
        Compare("seed", requested.Seed, stored.Seed);
        Compare("border curves", requested.BorderCurves, stored.BorderCurves);
        if (differences.Count > 0)
        {
            throw new ArgumentException($"Cannot resume '{path}' with different training options ({string.Join("; ", differences)}). Resume with the original options.");
        }
    }

    // Fail now rather than at the first checkpoint, minutes into the run.
    private static void EnsureWritable(string outputPath)
    {
        string full = Path.GetFullPath(outputPath);
        if (Directory.Exists(full))
        {
            throw new ArgumentException($"The output path '{full}' is a folder; give a file path such as '{Path.Combine(full, "model.lcpfn")}'.");
        }

        string probe = full + ".write-test-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Cannot write the model next to '{full}': {ex.Message}", ex);
        }
    }

    private static Device ResolveDevice(string name)
    {
        if (name == "cuda")
        {
            if (!cuda.is_available())
            {
                throw new InvalidOperationException("--device cuda was requested but CUDA is not available: this build uses libtorch's CPU package (no CUDA libraries) or no GPU is present. Use --device cpu.");
            }

            return CUDA;
        }

        return CPU;
    }

    private static LcPfnModelMetadata Metadata(LcPfnTrainingOptions options, long steps) => new()
    {
        CurvesSeen = steps * options.BatchSize,
        Steps = steps,
        PlannedSteps = options.Steps,
        Seed = options.Seed,
        CreatedUtc = DateTimeOffset.UtcNow,
        CodeVersion = LcPfnModelMetadata.CurrentCodeVersion,
        Dropout = options.Dropout,
        BorderCurves = options.BorderCurves,
        Prior = LearningCurvePrior.Description(options.Architecture.MaxEpochs),
        Recipe = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"AdamW lr {options.LearningRate} (warm-up {options.WarmupFraction:P0}, cosine), clip {options.GradientClip}, weight decay {options.WeightDecay}, batch {options.BatchSize}, dropout {options.Dropout}"),
    };

    private static ulong Mix(ulong a, ulong b, ulong c = 0)
    {
        var rng = new SeededRandom(a, b, c);
        return rng.NextUInt64();
    }

    private sealed record TrainingState(long Step, LcPfnTrainingOptions Options);
}
