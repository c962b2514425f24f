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

        string? found = DefaultModelLocator.Find();
        if (found is not null)
        {
            return found;
        }

        string? env = Environment.GetEnvironmentVariable(DefaultModelLocator.EnvironmentVariable);
        var looked = new List<string>();
        if (!string.IsNullOrWhiteSpace(env))
        {
            looked.Add($"{env} (from ${DefaultModelLocator.EnvironmentVariable})");
        }
        else
        {
            looked.AddRange(DefaultModelLocator.Candidates());
        }

        throw new FileNotFoundException(
            $"No --model given and no default LC-PFN model found. Looked in:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", looked)}{Environment.NewLine}Train one with 'hpo lcpfn train --output models/{DefaultModelLocator.FileName}' or pass --model.");
    }
}
