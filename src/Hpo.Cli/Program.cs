using Hpo.Cli;

return await HpoCommandLine.Build().Parse(args).InvokeAsync();
