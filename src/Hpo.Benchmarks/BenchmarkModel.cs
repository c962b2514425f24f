using Hpo.Scheduler.Prediction;

namespace Hpo.Benchmarks;

/// <summary>
/// An LC-PFN under benchmark: its predictor and, when several models are compared in one run, its name, which labels
/// every result it produced (<c>POLICY@NAME</c>, e.g. <c>lcpfn@new</c>). A run has either one unnamed model (today's
/// labels, <c>lcpfn</c>) or any number of named ones.
/// </summary>
public sealed class BenchmarkModel
{
    /// <summary>Creates the model.</summary>
    /// <param name="name">The label suffix (letters, digits, <c>_</c>, <c>.</c>, <c>-</c>), or null for the one model of a single-model run.</param>
    /// <param name="predictor">The predictor.</param>
    /// <exception cref="ArgumentException">The name is empty or has a character outside [A-Za-z0-9_.-]; the message names <c>--model</c>.</exception>
    public BenchmarkModel(string? name, ICurvePredictor predictor)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        if (name is not null)
        {
            ValidateName(name);
        }

        Name = name;
        Predictor = predictor;
    }

    /// <summary>The name, or null for the one model of a single-model run.</summary>
    public string? Name { get; }

    /// <summary>The predictor.</summary>
    public ICurvePredictor Predictor { get; }

    /// <summary>The label of what <paramref name="method"/> produced with this model: <c>method@NAME</c>, or <c>method</c> when unnamed.</summary>
    public string Label(string method) => Name is null ? method : $"{method}@{Name}";

    /// <summary>Checks a model name: not empty, only [A-Za-z0-9_.-] (anything else, e.g. <c>@</c>, <c>,</c> or a space, would make labels ambiguous).</summary>
    /// <exception cref="ArgumentException">The name is invalid; the message names <c>--model</c>.</exception>
    public static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            throw new ArgumentException("--model: a model name is empty; use --model NAME=PATH.");
        }

        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
        {
            throw new ArgumentException($"--model: model name '{name}' may contain only letters, digits, '_', '.' and '-' (it labels the results, e.g. lcpfn@{name}).");
        }
    }

    /// <summary>Checks the models of one run: one unnamed model, or named models with distinct names.</summary>
    /// <exception cref="ArgumentException">A name repeats, or unnamed models are mixed with others; the message names <c>--model</c>.</exception>
    public static void ValidateList(IReadOnlyList<BenchmarkModel> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        ValidateNames(models.Select(m => m.Name).ToArray());
    }

    /// <summary>Checks the names of one run's models (null: unnamed): one unnamed model, or valid, distinct names.</summary>
    /// <exception cref="ArgumentException">A name is invalid or repeats, or an unnamed model is one of several; the message names <c>--model</c>.</exception>
    public static void ValidateNames(IReadOnlyList<string?> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (string? name in names)
        {
            if (name is not null)
            {
                ValidateName(name);
            }
        }

        if (names.Count > 1 && names.Any(n => n is null))
        {
            throw new ArgumentException($"--model is given {names.Count} times, {names.Count(n => n is null)} of them without a name; to compare models, name each one: --model NAME=PATH (e.g. --model old=a.lcpfn --model new=b.lcpfn).");
        }

        if (names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
        {
            throw new ArgumentException($"--model names model '{repeated.Key}' twice; give each model its own name.");
        }
    }
}
