using System.CommandLine;
using System.Text.Json.Nodes;
using Hpo.Benchmarks;
using Hpo.Cli.LcPfn;
using Hpo.LcPfn.Inference;
using Hpo.LcPfn.Models;
using Hpo.Scheduler.Stopping.LcPfn;

namespace Hpo.Cli.Bench;

/// <summary>
/// The repeatable <c>--model</c> of <c>hpo bench lcbench</c> and <c>lcbench-extrapolation</c>: one model as a plain
/// PATH (today's form and labels), or several named models (<c>NAME=PATH</c>) compared side by side in one run.
/// </summary>
internal sealed class BenchModels : IDisposable
{
    private readonly LcPfnPredictor[] _predictors;

    private BenchModels(IReadOnlyList<string?> names, IReadOnlyList<ModelFingerprint> files, LcPfnPredictor[] predictors)
    {
        _predictors = predictors;
        Files = files;
        Models = [.. names.Select((name, i) => new BenchmarkModel(name, predictors[i]))];
    }

    /// <summary>The models, in the order given.</summary>
    public IReadOnlyList<BenchmarkModel> Models { get; }

    /// <summary>The files, in the order given (full path and SHA-256).</summary>
    public IReadOnlyList<ModelFingerprint> Files { get; }

    /// <summary>Whether the models are named (a comparison); false for the one model of a plain <c>--model PATH</c> or the default model.</summary>
    public bool Named => Models[0].Name is not null;

    /// <summary>The option.</summary>
    public static Option<string[]> CreateOption() => new("--model", "-m")
    {
        Description = "LC-PFN model file (.lcpfn). Repeat it as NAME=PATH to compare models in one run (e.g. -m old=a.lcpfn -m new=b.lcpfn): "
            + "what uses the LC-PFN runs once per model and is labelled @NAME (lcpfn@new), with its own prediction cache; the rest runs once. "
            + "NAME: letters, digits, _ . - . "
            + $"Default: ${DefaultModelLocator.EnvironmentVariable}, then models/{DefaultModelLocator.FileName} beside the app or in the current folder or a parent.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>
    /// Checks the values' form (before anything is loaded): at most one plain PATH, else NAME=PATH only, names valid and
    /// distinct, no empty NAME or PATH. A value that is an existing file is a plain PATH even if it holds '='.
    /// </summary>
    /// <returns>Per model its name (null: unnamed) and path (null: the default model); one unnamed default when none is given.</returns>
    /// <exception cref="ArgumentException">A value is malformed; the message names <c>--model</c> and the value.</exception>
    public static IReadOnlyList<(string? Name, string? Path)> Parse(string[]? values)
    {
        if (values is not { Length: > 0 })
        {
            return [(null, null)];
        }

        var specs = values.Select(ParseOne).ToArray();
        BenchmarkModel.ValidateNames([.. specs.Select(s => s.Name)]);
        return specs;
    }

    /// <summary>Finds, fingerprints and loads the models that <see cref="Parse"/> accepted.</summary>
    /// <exception cref="FileNotFoundException">A model file does not exist; the message names <c>--model</c> (and the model).</exception>
    /// <exception cref="ArgumentException">A file is not an LC-PFN model; the message names the model.</exception>
    public static BenchModels Load(IReadOnlyList<(string? Name, string? Path)> specs)
    {
        var paths = specs.Select(s => s.Name is null
            ? ModelOption.Resolve(s.Path)
            : File.Exists(s.Path) ? s.Path! : throw new FileNotFoundException($"--model {s.Name}: model file '{s.Path}' does not exist.", s.Path)).ToArray();
        var predictors = new List<LcPfnPredictor>();
        try
        {
            for (int i = 0; i < paths.Length; i++)
            {
                try
                {
                    predictors.Add(LcPfnPredictor.Load(paths[i]));
                }
                catch (LcPfnModelFormatException ex) when (specs[i].Name is { } name)
                {
                    throw new ArgumentException($"--model {name}: {ex.Message}", ex);
                }
            }

            return new BenchModels([.. specs.Select(s => s.Name)], [.. paths.Select(ModelFingerprint.Of)], [.. predictors]);
        }
        catch
        {
            foreach (var predictor in predictors)
            {
                predictor.Dispose();
            }

            throw;
        }
    }

    /// <summary>The JSON <c>models</c> array: per model its name, full path and SHA-256, and (LCBench) its queries and cache hits.</summary>
    public JsonArray ToJson(IReadOnlyList<ModelQueryCount>? counts = null) =>
        new([.. Models.Select((m, i) =>
        {
            var entry = new JsonObject { ["name"] = m.Name, ["path"] = Files[i].Path, ["sha256"] = Files[i].Sha256 };
            if (counts?.FirstOrDefault(c => c.Name == m.Name) is { } count)
            {
                entry["curvesPredicted"] = count.ModelQueries;
                entry["cacheHits"] = count.CacheHits;
            }

            return (JsonNode?)entry;
        })]);

    /// <summary>One line per model for the tables: NAME = path (sha-256 prefix).</summary>
    public string Describe() =>
        string.Join("; ", Models.Select((m, i) => $"{m.Name ?? "model"} = {Files[i].Path} (sha-256 {Files[i].Sha256[..12]}…)"));

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var predictor in _predictors)
        {
            predictor.Dispose();
        }
    }

    private static (string? Name, string? Path) ParseOne(string value)
    {
        int equals = value.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0 || File.Exists(value))
        {
            return (null, value);
        }

        string name = value[..equals];
        string path = value[(equals + 1)..];
        if (name.Length == 0)
        {
            throw new ArgumentException($"--model '{value}': the model name before '=' is empty; use --model NAME=PATH.");
        }

        BenchmarkModel.ValidateName(name);
        return string.IsNullOrWhiteSpace(path)
            ? throw new ArgumentException($"--model '{value}': the path of model '{name}' is empty; use --model NAME=PATH.")
            : (name, path);
    }
}
