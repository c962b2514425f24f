using System.Globalization;
using Hpo.LcPfn.Training;

namespace Hpo.Cli.LcPfn;

/// <summary>
/// Prints one progress line per interval (and at checkpoints). Plain lines rather than a live widget,
/// because long runs are usually redirected to a log file.
/// </summary>
internal sealed class TrainingProgressPrinter : IProgress<TrainingProgress>
{
    private readonly TextWriter _out;
    private readonly TimeSpan _interval;
    private readonly Lock _gate = new();
    private TimeSpan _lastPrint = TimeSpan.MinValue;
    private double _lossSum;
    private int _lossCount;
    private TrainingProgress? _last;

    public TrainingProgressPrinter(TextWriter output, TimeSpan interval)
    {
        _out = output;
        _interval = interval;
    }

    public void Report(TrainingProgress value)
    {
        lock (_gate)
        {
            _lossSum += value.Loss;
            _lossCount++;
            _last = value;
            bool first = _lastPrint == TimeSpan.MinValue;
            if (first || value.Elapsed - _lastPrint >= _interval || value.CheckpointPath is not null || value.Step == value.TotalSteps)
            {
                Print(value);
            }
        }
    }

    public void Finish()
    {
        lock (_gate)
        {
            if (_last is not null && _lossCount > 0)
            {
                Print(_last);
            }
        }
    }

    private void Print(TrainingProgress p)
    {
        double meanLoss = _lossCount > 0 ? _lossSum / _lossCount : p.Loss;
        string line = string.Create(CultureInfo.InvariantCulture,
            $"step {p.Step}/{p.TotalSteps} ({100.0 * p.Step / p.TotalSteps:F1}%)  loss {meanLoss:F4} (mean of {_lossCount})  lr {p.LearningRate:E2}  {p.SecondsPerStep:F3} s/step  {p.CurvesPerSecond:F0} curves/s  elapsed {Format(p.Elapsed)}  ETA {Format(p.Remaining)}  rss {Environment.WorkingSet / (1024.0 * 1024 * 1024):F2} GiB");
        if (p.CheckpointPath is not null)
        {
            line += "  [checkpoint]";
        }

        _out.WriteLine(line);
        _out.Flush();
        _lastPrint = p.Elapsed;
        _lossSum = 0;
        _lossCount = 0;
    }

    private static string Format(TimeSpan t) => t.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}h{t.Minutes:D2}m{t.Seconds:D2}s")
        : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}m{t.Seconds:D2}s");
}
