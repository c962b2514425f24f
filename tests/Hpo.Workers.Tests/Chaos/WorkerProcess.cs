using System.Collections.Concurrent;
using System.Diagnostics;
using Hpo.Workers.Tests.Fleet;

namespace Hpo.Workers.Tests.Chaos;

/// <summary>The built <c>hpo</c> CLI run as a child process (a real worker that can be killed, paused and resumed).</summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private WorkerProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output => string.Join('\n', _lines);

    /// <summary>The hpo.dll built in the same configuration as the tests.</summary>
    public static string HpoDll
    {
        get
        {
            string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
            string dll = Path.Combine(FleetHarness.RepoRoot, "src", "Hpo.Cli", "bin", configuration, "net10.0", "hpo.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build src/Hpo.Cli ({configuration}) first: {dll} is missing.", dll);
        }
    }

    /// <summary>
    /// Starts <c>hpo worker</c> with fast leases and a fast sweep, named <paramref name="name"/>. A worker killed after its
    /// slot created a trial and before it recorded it in its job leaves that trial Pending with no job; the sweep enqueues
    /// it again once it is <c>--orphaned-after-seconds</c> old (10 minutes by default, 10 s here so a test sees it).
    /// </summary>
    public static WorkerProcess StartWorker(string connection, string name, int epochDelayMs, int concurrency = 2, double leaseSeconds = 3, double invisibilitySeconds = 3) =>
        Start(name, "worker", "--db", connection, "--name", name, "--concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--lease-seconds", leaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--heartbeat-seconds", "1",
            "--invisibility-seconds", invisibilitySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--poll-seconds", "0.5", "--retry-delay-seconds", "1", "--sweep-seconds", "5", "--orphaned-after-seconds", "10",
            "--epoch-delay-ms", epochDelayMs.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Runs <c>hpo</c> with <paramref name="args"/> to completion; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, params string[] args)
    {
        await using var process = Start("hpo", args);
        using var cts = new CancellationTokenSource(timeout);
        await process._process.WaitForExitAsync(cts.Token);
        process._process.WaitForExit();
        return (process.ExitCode, process.Output);
    }

    public static WorkerProcess Start(string name, params string[] args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(HpoDll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_TieredPGO"] = "0";
        return new WorkerProcess(name, Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start."));
    }

    /// <summary>SIGKILL: the process dies at once, mid-epoch, without cleanup.</summary>
    public void Kill() => _process.Kill(entireProcessTree: false);

    /// <summary>Sends a signal by name (STOP, CONT, TERM).</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) ?? throw new InvalidOperationException("kill did not start.");
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits for the process to exit; false when it is still running after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            _process.WaitForExit();
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await SignalAsync("CONT");
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }
}
