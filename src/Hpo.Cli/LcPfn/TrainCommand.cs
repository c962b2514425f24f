using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Hpo.LcPfn.Model;
using Hpo.LcPfn.Training;

namespace Hpo.Cli.LcPfn;

/// <summary><c>hpo lcpfn train</c>: trains an LC-PFN on the learning-curve prior.</summary>
public static class TrainCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var defaults = new LcPfnTrainingOptions();
        var output = new Option<string>("--output", "-o") { Description = "Model file to write (e.g. models/my.lcpfn). The checkpoint goes to the same path + '.ckpt'.", Required = true };
        var steps = new Option<long?>("--steps") { Description = $"Optimizer steps (default {defaults.Steps}). Exclusive with --curves." };
        var curves = new Option<long?>("--curves") { Description = "Training curves in total; steps = curves / batch size. Exclusive with --steps." };
        var emsize = new Option<int>("--emsize") { Description = "Embedding size.", DefaultValueFactory = _ => defaults.Architecture.EmbeddingSize };
        var layers = new Option<int>("--layers") { Description = "Encoder layers.", DefaultValueFactory = _ => defaults.Architecture.Layers };
        var heads = new Option<int?>("--heads") { Description = "Attention heads (default max(1, emsize/128))." };
        var hidden = new Option<int?>("--hidden") { Description = "Feed-forward and head hidden size (default 2·emsize)." };
        var buckets = new Option<int>("--buckets") { Description = "Buckets of the output distribution.", DefaultValueFactory = _ => defaults.Architecture.Buckets };
        var batch = new Option<int>("--batch-size") { Description = "Curves per step.", DefaultValueFactory = _ => defaults.BatchSize };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate (AdamW).", DefaultValueFactory = _ => defaults.LearningRate };
        var warmup = new Option<double>("--warmup") { Description = "Fraction of steps with linear warm-up; cosine decay after.", DefaultValueFactory = _ => defaults.WarmupFraction };
        var clip = new Option<double>("--clip") { Description = "Gradient-norm clipping (0 = off).", DefaultValueFactory = _ => defaults.GradientClip };
        var weightDecay = new Option<double>("--weight-decay") { Description = "AdamW weight decay.", DefaultValueFactory = _ => defaults.WeightDecay };
        var dropout = new Option<double>("--dropout") { Description = "Dropout while training (the paper used 0.2; the one-hour recipe 0).", DefaultValueFactory = _ => defaults.Dropout };
        var seed = new Option<ulong>("--seed") { Description = "Seed for prior curves, cut-offs, initialisation and dropout.", DefaultValueFactory = _ => defaults.Seed };
        var borderCurves = new Option<int>("--border-curves") { Description = "Prior curves whose values define the bucket borders.", DefaultValueFactory = _ => defaults.BorderCurves };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints.", DefaultValueFactory = _ => defaults.CheckpointInterval };
        var threads = new Option<int>("--threads") { Description = "Torch CPU threads.", DefaultValueFactory = _ => defaults.Threads };
        var device = new Option<string>("--device") { Description = "cpu or cuda (cuda needs a CUDA build of TorchSharp).", DefaultValueFactory = _ => defaults.Device };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var resume = new Option<bool>("--resume") { Description = "Continue from the checkpoint next to --output (same options required)." };
        var progressSeconds = new Option<double>("--progress-seconds") { Description = "Seconds between progress lines.", DefaultValueFactory = _ => 10 };

        var command = new Command("train", "Train an LC-PFN on curves sampled from the learning-curve prior. Prints progress (step, loss, curves/s, ETA), writes an atomic checkpoint every --checkpoint-every steps and on Ctrl+C or SIGTERM, and continues from it with --resume.")
        {
            output, steps, curves, emsize, layers, heads, hidden, buckets, batch, lr, warmup, clip, weightDecay, dropout, seed,
            borderCurves, checkpointEvery, threads, device, resume, progressSeconds,
        };

        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse, async io =>
        {
            long? stepCount = parse.GetValue(steps);
            long? curveCount = parse.GetValue(curves);
            int batchSize = parse.GetValue(batch);
            if (stepCount is not null && curveCount is not null)
            {
                throw new ArgumentException("Give either --steps or --curves, not both.");
            }

            if (curveCount is not null)
            {
                if (curveCount < 1 || batchSize < 1)
                {
                    throw new ArgumentException($"--curves must be at least 1 and --batch-size at least 1; got {curveCount} and {batchSize}.");
                }

                stepCount = (curveCount.Value + batchSize - 1) / batchSize;
            }

            int e = parse.GetValue(emsize);
            var architecture = new LcPfnArchitecture
            {
                EmbeddingSize = e,
                Layers = parse.GetValue(layers),
                Heads = parse.GetValue(heads) ?? Math.Max(1, e / 128),
                Hidden = parse.GetValue(hidden) ?? 2 * e,
                Buckets = parse.GetValue(buckets),
            };
            var options = new LcPfnTrainingOptions
            {
                Architecture = architecture,
                Steps = stepCount ?? defaults.Steps,
                BatchSize = batchSize,
                LearningRate = parse.GetValue(lr),
                WarmupFraction = parse.GetValue(warmup),
                GradientClip = parse.GetValue(clip),
                WeightDecay = parse.GetValue(weightDecay),
                Dropout = parse.GetValue(dropout),
                Seed = parse.GetValue(seed),
                BorderCurves = parse.GetValue(borderCurves),
                CheckpointInterval = parse.GetValue(checkpointEvery),
                Threads = parse.GetValue(threads),
                Device = parse.GetValue(device) ?? "cpu",
            };
            options.Validate();
            double every = parse.GetValue(progressSeconds);
            if (!(every >= 0))
            {
                throw new ArgumentException($"--progress-seconds must be ≥ 0; got {every}.");
            }

            string path = parse.GetValue(output)!;
            bool isResume = parse.GetValue(resume);
            var a = options.Architecture;
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(isResume ? "Resuming" : "Training")} LC-PFN: emsize {a.EmbeddingSize}, {a.Layers} layers, {a.Heads} heads, hidden {a.Hidden}, {a.Buckets} buckets; " +
                $"{options.Steps} steps × {options.BatchSize} curves = {options.Curves:N0} curves; lr {options.LearningRate}, warm-up {options.WarmupFraction:P0} + cosine, clip {options.GradientClip}, dropout {options.Dropout}, seed {options.Seed}, {options.Threads} threads, {options.Device}."));
            io.Out.WriteLine($"Output: {Path.GetFullPath(path)}  checkpoint: {Path.GetFullPath(LcPfnTrainer.CheckpointPath(path))}");

            var reporter = new TrainingProgressPrinter(io.Out, TimeSpan.FromSeconds(every));

            // Ctrl+C and SIGTERM (e.g. a job scheduler) both end the run with a checkpoint rather than losing up to an interval of work.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.Cancel(); });
            using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
            try
            {
                using var model = await LcPfnTrainer.TrainAsync(options, path, isResume, reporter, stop.Token).ConfigureAwait(false);
                reporter.Finish();
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Done: {model.Metadata.Steps} steps, {model.Metadata.CurvesSeen:N0} curves. Model written to {Path.GetFullPath(path)}."));
                return 0;
            }
            catch (OperationCanceledException)
            {
                io.Out.WriteLine($"Interrupted; checkpoint saved. Continue with the same command plus --resume.");
                return CommandErrors.Interrupted;
            }
        }));
        return command;
    }
}
