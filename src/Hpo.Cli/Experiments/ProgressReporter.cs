using System.Globalization;
using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Hpo.Cli.Experiments;

/// <summary>
/// Shows a running experiment: a Spectre live table on an interactive terminal, otherwise (CI, pipes,
/// tests) one status line every few seconds plus a line per finished trial.
/// </summary>
internal sealed class ProgressReporter : IProgress<ExperimentProgress>
{
    private const int RecentEvents = 6;
    private readonly Lock _gate = new();
    private readonly Queue<string> _recent = new();
    private readonly HashSet<int> _stopDecided = [];
    private readonly HashSet<int> _started = [];
    private readonly Dictionary<int, int> _lastDecidedEpoch = [];
    private readonly ExperimentSpec _spec;
    private readonly int _maxTrials;
    private readonly TextWriter? _plain;
    private ExperimentProgress? _last;
    private int _failedReported;
    private int _completedReported;

    /// <param name="spec">The experiment (metric name, max epochs).</param>
    /// <param name="maxTrials">The trial budget, shown as "of N".</param>
    /// <param name="plain">Where plain lines go; null for the live display.</param>
    public ProgressReporter(ExperimentSpec spec, int maxTrials, TextWriter? plain)
    {
        _spec = spec;
        _maxTrials = maxTrials;
        _plain = plain;
    }

    /// <summary>How often a plain status line is written.</summary>
    public static TimeSpan PlainInterval { get; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether <paramref name="output"/> is an interactive terminal that can show a live display.</summary>
    public static bool CanShowLive(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive && AnsiConsole.Profile.Capabilities.Ansi;

    public void Report(ExperimentProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            // Reports come from several trials at once and may arrive out of order: keep the newest snapshot.
            if (_last is null || value.Elapsed >= _last.Elapsed)
            {
                _last = value;
            }

            if (value.LastTrialNumber is not { } trial)
            {
                return;
            }

            if (value.LastDecision is { } decision)
            {
                _lastDecidedEpoch[trial] = decision.Epoch;
                if (decision.Action == DecisionAction.Stop)
                {
                    _stopDecided.Add(trial);
                    string p = decision.ProbabilityOfImprovement is { } pi ? string.Create(CultureInfo.InvariantCulture, $" (P(beat best) {pi:0.###})") : "";
                    Event($"trial {trial} stopped at epoch {decision.Epoch}{p}");
                }

                return;
            }

            // A report without a decision is a trial's start (first one) or its end (second one).
            if (_started.Add(trial) || _stopDecided.Contains(trial))
            {
                return;
            }

            bool trainedToTheEnd = _lastDecidedEpoch.TryGetValue(trial, out int epoch) && epoch >= _spec.MaxEpochs;
            if (trainedToTheEnd || (value.Failed <= _failedReported && value.Completed > _completedReported))
            {
                _completedReported++;
                Event($"trial {trial} completed all {_spec.MaxEpochs} epochs");
            }
            else if (value.Failed > _failedReported)
            {
                _failedReported++;
                Event($"trial {trial} failed ('hpo trials' shows the error)");
            }
            else
            {
                Event($"trial {trial} stopped: budget spent");
            }
        }
    }

    /// <summary>Runs <paramref name="run"/> while showing its progress on <paramref name="live"/> (or the plain writer).</summary>
    public async Task<T> ShowWhileAsync<T>(IAnsiConsole? live, Task<T> run)
    {
        if (_plain is not null || live is null)
        {
            while (await Task.WhenAny(run, Task.Delay(PlainInterval)).ConfigureAwait(false) != run)
            {
                lock (_gate)
                {
                    _plain?.WriteLine(StatusLine());
                }
            }

            return await run.ConfigureAwait(false);
        }

        await live.Live(Render()).AutoClear(false).StartAsync(async context =>
        {
            while (await Task.WhenAny(run, Task.Delay(250)).ConfigureAwait(false) != run)
            {
                context.UpdateTarget(Render());
                context.Refresh();
            }

            context.UpdateTarget(Render());
            context.Refresh();
        }).ConfigureAwait(false);
        return await run.ConfigureAwait(false);
    }

    private void Event(string text)
    {
        string line = $"[{Clock(_last?.Elapsed ?? TimeSpan.Zero)}] {text}";
        if (_plain is not null)
        {
            _plain.WriteLine(line);
            return;
        }

        _recent.Enqueue(line);
        while (_recent.Count > RecentEvents)
        {
            _recent.Dequeue();
        }
    }

    private string StatusLine()
    {
        var p = _last;
        if (p is null)
        {
            return "[ 0:00] starting";
        }

        int started = p.Running + p.Completed + p.Stopped + p.Failed;
        return string.Create(CultureInfo.InvariantCulture,
            $"[{Clock(p.Elapsed)}] trials {started}/{_maxTrials}: {p.Running} running, {p.Completed} completed, {p.Stopped} stopped, {p.Failed} failed; epochs used {p.EpochsUsed}; best {_spec.MetricName} {Best(p)}");
    }

    private IRenderable Render()
    {
        lock (_gate)
        {
            var p = _last;
            var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(_spec.Name)}[/]").HideHeaders();
            table.AddColumn("what");
            table.AddColumn("value");
            if (p is null)
            {
                table.AddRow("status", "starting");
            }
            else
            {
                table.AddRow("elapsed", Clock(p.Elapsed));
                table.AddRow("trials", string.Create(CultureInfo.InvariantCulture, $"{p.Running + p.Completed + p.Stopped + p.Failed} of {_maxTrials}"));
                table.AddRow("running", $"[blue]{p.Running}[/]");
                table.AddRow("completed", $"[green]{p.Completed}[/]");
                table.AddRow("stopped early", $"[yellow]{p.Stopped}[/]");
                table.AddRow("failed", p.Failed == 0 ? "0" : $"[red]{p.Failed}[/]");
                table.AddRow("epochs used", p.EpochsUsed.ToString(CultureInfo.InvariantCulture));
                table.AddRow($"best {Markup.Escape(_spec.MetricName)}", $"[bold]{Markup.Escape(Best(p))}[/]");
            }

            var events = _recent.Count == 0 ? new Text("") : new Text(string.Join('\n', _recent));
            return new Rows(table, events);
        }
    }

    private static string Best(ExperimentProgress p) =>
        p.BestValue is { } best ? string.Create(CultureInfo.InvariantCulture, $"{best:0.####} (trial {p.BestTrialNumber})") : "-";

    internal static string Clock(TimeSpan t) => t.TotalHours >= 1
        ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalMinutes,2}:{t.Seconds:00}");
}
