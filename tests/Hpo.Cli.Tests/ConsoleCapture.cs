namespace Hpo.Cli.Tests;

/// <summary>Runs the real command line with stdout and stderr captured (tests in this assembly run one at a time).</summary>
internal static class ConsoleCapture
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task<(int Exit, string Out, string Error)> InvokeAsync(params string[] args)
    {
        await Gate.WaitAsync();
        var output = new StringWriter();
        var error = new StringWriter();
        var previousOut = Console.Out;
        var previousError = Console.Error;
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            int exit = await HpoCommandLine.Build().Parse(args).InvokeAsync();
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
            Gate.Release();
        }
    }
}
