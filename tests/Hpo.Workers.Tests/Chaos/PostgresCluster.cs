using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Hpo.Workers.Tests.Chaos;

/// <summary>
/// A PostgreSQL cluster of the test's own (initdb in a temp folder, 127.0.0.1 on a free port, durability off),
/// so a test can stop and restart the server without disturbing the cluster that other test assemblies share.
/// Run as root, the server runs as the <c>postgres</c> user, as scripts/test.sh does it. Disposing stops the
/// server and deletes the folder.
/// </summary>
internal sealed class PostgresCluster : IAsyncDisposable
{
    /// <summary>The folder of PostgreSQL's binaries (initdb, pg_ctl) that scripts/test.sh exports.</summary>
    public const string BinVariable = "HPO_TEST_PG_BIN";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly string _bin;
    private readonly string _root;

    private PostgresCluster(string bin, string root, int port)
    {
        _bin = bin;
        _root = root;
        Port = port;
    }

    /// <summary>The port the server listens on, the same across restarts.</summary>
    public int Port { get; }

    /// <summary>Whether the server is meant to be up (started and not stopped since).</summary>
    public bool IsRunning { get; private set; }

    /// <summary>A connection string to database <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database }.ConnectionString;

    /// <summary>Creates the cluster and starts its server.</summary>
    /// <exception cref="InvalidOperationException">No PostgreSQL binaries, or initdb or the server failed (the message holds their output).</exception>
    public static async Task<PostgresCluster> CreateAsync(CancellationToken cancellationToken = default)
    {
        string bin = FindBin();
        string root = Directory.CreateTempSubdirectory("hpo-pg-own-").FullName;
        var cluster = new PostgresCluster(bin, root, FreePort());
        try
        {
            if (IsRoot)
            {
                await RunAsync("chown", ["postgres", root], cancellationToken);
            }

            await cluster.PgAsync("initdb", ["-D", cluster.DataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C"], cancellationToken);
            await cluster.StartAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates database <paramref name="name"/>.</summary>
    public async Task CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Starts the server on <see cref="Port"/> and waits until it accepts connections.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        string options = string.Create(
            CultureInfo.InvariantCulture,
            $"-c listen_addresses=127.0.0.1 -c port={Port} -c unix_socket_directories={_root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200");
        await PgAsync("pg_ctl", ["-D", DataDir, "-l", LogFile, "-w", "-t", "60", "-o", options, "start"], cancellationToken);
        IsRunning = true;
    }

    /// <summary>Stops the server the way an operator restarting it does: <c>-m fast</c> ends every session at once.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        IsRunning = false;
        await PgAsync("pg_ctl", ["-D", DataDir, "-m", "fast", "-w", "-t", "60", "stop"], cancellationToken);
    }

    /// <summary><c>pg_ctl restart -m fast</c>: sessions end, and the server is back on the same port.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        // -l again: without it the new server would write to pg_ctl's output, and hold it open.
        await PgAsync("pg_ctl", ["-D", DataDir, "-l", LogFile, "-m", "fast", "-w", "-t", "60", "restart"], cancellationToken);
        IsRunning = true;
    }

    /// <summary>The last lines of the server's log, for a failing test's output.</summary>
    public string LogTail(int lines = 30)
    {
        try
        {
            return string.Join('\n', File.ReadLines(LogFile).TakeLast(lines));
        }
        catch (IOException ex)
        {
            return $"(no server log: {ex.Message})";
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (File.Exists(Path.Combine(DataDir, "postmaster.pid")))
            {
                await PgAsync("pg_ctl", ["-D", DataDir, "-m", "immediate", "-w", "-t", "60", "stop"], CancellationToken.None);
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Directory.Delete(_root, recursive: true);
        }
    }

    private string DataDir => Path.Combine(_root, "data");

    private string LogFile => Path.Combine(_root, "server.log");

    private static bool IsRoot => Environment.IsPrivilegedProcess;

    private static string FindBin()
    {
        if (Environment.GetEnvironmentVariable(BinVariable) is { Length: > 0 } configured)
        {
            return File.Exists(Path.Combine(configured, "pg_ctl"))
                ? configured
                : throw new InvalidOperationException($"{BinVariable}={configured} has no pg_ctl.");
        }

        // Where Debian's packages put them, as scripts/test.sh looks: the newest major version with initdb and pg_ctl.
        const string packages = "/usr/lib/postgresql";
        string? found = Directory.Exists(packages)
            ? Directory.GetDirectories(packages)
                .Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
                .OrderBy(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), NumberStyles.None, CultureInfo.InvariantCulture, out int major) ? major : 0)
                .LastOrDefault()
            : null;
        return found ?? throw new InvalidOperationException($"No PostgreSQL binaries: set {BinVariable} or install Debian's postgresql package (scripts/test.sh does both).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task PgAsync(string tool, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        string path = Path.Combine(_bin, tool);

        // PostgreSQL refuses to run as root; scripts/test.sh creates the postgres user when it runs as root.
        return IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", path, .. args], cancellationToken) : RunAsync(path, args, cancellationToken);
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = new StringBuilder();
        var reading = Task.WhenAll(CopyAsync(process.StandardOutput, output), CopyAsync(process.StandardError, output));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);

            // A child that inherited the output (a server started without a log file) would keep it open forever.
            await reading.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} did not finish within {CommandTimeout.TotalSeconds} s: {output}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {output}");
        }
    }

    private static async Task CopyAsync(StreamReader reader, StringBuilder output)
    {
        string text = await reader.ReadToEndAsync();
        lock (output)
        {
            output.Append(text);
        }
    }
}
