using System.CommandLine;
using Hpo.LcPfn.Models;

namespace Hpo.Cli.LcPfn;

/// <summary>The shared <c>--model</c> option and its resolution to a file (default model when omitted).</summary>
internal static class ModelOption
{
    public static Option<string?> Create() => new("--model", "-m")
    {
        Description = $"LC-PFN model file (.lcpfn). Default: ${DefaultModelLocator.EnvironmentVariable}, then models/{DefaultModelLocator.FileName} beside the app or in the current folder or a parent.",
    };

    /// <summary>The model path to load, or an <see cref="ArgumentException"/>/<see cref="FileNotFoundException"/> that says where we looked.</summary>
    public static string Resolve(string? given)
    {
        if (!string.IsNullOrWhiteSpace(given))
        {
            return File.Exists(given) ? given : throw new FileNotFoundException($"Model file '{given}' does not exist.", given);
        }

        try
        {
            return DefaultModelLocator.Require();
        }
        catch (FileNotFoundException ex)
        {
            throw new FileNotFoundException("No --model given. " + ex.Message, ex);
        }
    }
}
