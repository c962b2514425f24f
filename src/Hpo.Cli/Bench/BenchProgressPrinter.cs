using System.Diagnostics;
using System.Globalization;
using Hpo.Benchmarks;

namespace Hpo.Cli.Bench;

/// <summary>Prints benchmark progress with elapsed time and ETA on stderr, at most every two seconds (and always at stage changes).</summary>
internal sealed class BenchProgressPrinter(TextWriter error, string name) : IProgress<BenchmarkProgress>
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private TimeSpan _lastPrint = TimeSpan.MinValue;
    private string _lastStage = "";

    public void Report(BenchmarkProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var now = _watch.Elapsed;
        if (value.Stage == _lastStage && now - _lastPrint < TimeSpan.FromSeconds(2) && value.Fraction < 1)
        {
            return;
        }

        _lastStage = value.Stage;
        _lastPrint = now;
        string eta = value.Fraction > 0.001 ? Format(TimeSpan.FromSeconds(now.TotalSeconds / value.Fraction * (1 - value.Fraction))) : "?";
        string model = value.ModelQueries + value.CacheHits > 0
            ? string.Create(CultureInfo.InvariantCulture, $", LC-PFN {value.ModelQueries:N0} curves predicted, {value.CacheHits:N0} from cache")
            : "";
        error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {100 * value.Fraction,5:F1}% {value.Stage} | elapsed {Format(now)}, ETA {eta}{model}"));
    }

    private static string Format(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : $"{t.Minutes}m{t.Seconds:00}s";
}
