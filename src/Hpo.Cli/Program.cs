using System.CommandLine;
using Hpo.Cli;

// Ctrl+C / SIGTERM cancel the command's token; long-running commands (hpo worker, hpo lcpfn train) need more
// than System.CommandLine's default two seconds to stop cleanly before it forces exit code 130/143.
return await HpoCommandLine.Build().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(60) });
