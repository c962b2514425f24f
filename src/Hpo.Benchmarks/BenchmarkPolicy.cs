using System.Globalization;
using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using Hpo.Scheduler.Stopping;

namespace Hpo.Benchmarks;

/// <summary>
/// A stopping policy under benchmark: the product's own policy (built by <see cref="StoppingPolicyFactory"/>
/// from its JSON settings) or a benchmark-only bound that needs the pool's curves (the oracle, and freeze-thaw with
/// an oracle's slot choice).
/// </summary>
public sealed class BenchmarkPolicy
{
    private readonly IStoppingPolicy? _policy;
    private readonly bool _oracleSlots;

    private BenchmarkPolicy(string name, IStoppingPolicy? policy, bool usesModel = false, bool oracleSlots = false)
    {
        Name = name;
        _policy = policy;
        UsesModel = usesModel;
        _oracleSlots = oracleSlots;
    }

    /// <summary>The name used in reports, e.g. <c>lcpfn</c>, <c>patience(5)</c>, <c>oracle</c>.</summary>
    public string Name { get; }

    /// <summary>Whether this is the oracle (which bounds every other policy's speed-up).</summary>
    public bool IsOracle => _policy is null;

    /// <summary>Whether the policy decides with the LC-PFN (<c>lcpfn</c>, <c>lcpfn-remaining</c>, <c>freeze-thaw</c> and their variants), so that a comparison of models runs it once per model.</summary>
    public bool UsesModel { get; }

    /// <summary>Whether this is the no-stopping baseline.</summary>
    public bool IsNone => Name == "none";

    /// <summary>The product policy (null for the oracle).</summary>
    public IStoppingPolicy? Policy => _policy;

    /// <summary>The baseline every speed-up is measured against.</summary>
    public static BenchmarkPolicy None { get; } = new("none", new StoppingPolicyFactory().Create("""{"type":"none"}"""));

    /// <summary>The policy deciding on <paramref name="pool"/> (the oracle is made for its pool; the others are shared).</summary>
    public IStoppingPolicy For(LcBenchPool pool) => _policy switch
    {
        null => new OracleStoppingPolicy(pool),
        Hpo.Scheduler.Stopping.FreezeThaw.FreezeThawStoppingPolicy ft when _oracleSlots => new OracleSlotFreezeThawPolicy(ft, pool),
        _ => _policy,
    };

    /// <summary>
    /// Parses a comma-separated list: <c>lcpfn</c>, <c>lcpfn:δ</c>, <c>lcpfn-remaining</c>,
    /// <c>lcpfn-remaining:δ</c> (the rule over every remaining epoch), <c>patience:K</c>, <c>none</c>, <c>oracle</c>,
    /// <c>asha</c>, <c>asha-promote</c>, <c>hyperband</c>, <c>median</c>, <c>percentile:P</c>, <c>freeze-thaw</c> and
    /// <c>freeze-thaw:FIELD=VALUE;FIELD=VALUE</c> (fields of the <c>freeze-thaw</c> policy's JSON settings, lists
    /// separated by <c>/</c>, e.g. <c>freeze-thaw:acquisition=population;rungs=1/2/4/8/16/32</c>), and the bound
    /// <c>freeze-thaw-oracle-slot[:FIELD=VALUE;...]</c> (<see cref="OracleSlotFreezeThawPolicy"/>).
    /// </summary>
    /// <param name="text">The list.</param>
    /// <param name="delta">δ of a plain <c>lcpfn</c>.</param>
    /// <param name="predictor">The predictor for <c>lcpfn</c> (may be null when the list has none).</param>
    /// <exception cref="ArgumentException">An item is unknown or malformed, repeats, or <c>lcpfn</c> lacks a predictor; the message names the item.</exception>
    public static IReadOnlyList<BenchmarkPolicy> ParseList(string text, double delta, ICurvePredictor? predictor)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("--policy is empty; give e.g. 'lcpfn,patience:5,none,oracle'.");
        }

        var factory = new StoppingPolicyFactory(predictor);
        var result = new List<BenchmarkPolicy>();
        foreach (string raw in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var policy = ParseOne(raw, delta, factory, predictor);
            if (result.Any(p => p.Name == policy.Name))
            {
                throw new ArgumentException($"--policy names {policy.Name} twice.");
            }

            result.Add(policy);
        }

        return result;
    }

    /// <summary>Whether any policy of the list <paramref name="text"/> needs the LC-PFN.</summary>
    public static bool NeedsPredictor(string text) =>
        !string.IsNullOrWhiteSpace(text) && text.Split(',', StringSplitOptions.TrimEntries).Any(p => p.Split(':', 2, StringSplitOptions.TrimEntries)[0] is "lcpfn" or "lcpfn-remaining" or "freeze-thaw" or "freeze-thaw-oracle-slot");

    private static BenchmarkPolicy ParseOne(string item, double delta, StoppingPolicyFactory factory, ICurvePredictor? predictor)
    {
        string[] parts = item.Split(':', 2, StringSplitOptions.TrimEntries);
        string kind = parts[0];
        string? argument = parts.Length > 1 ? parts[1] : null;
        try
        {
            switch (kind)
            {
                case "lcpfn" or "lcpfn-remaining":
                    if (predictor is null)
                    {
                        throw new ArgumentException($"--policy: {kind} needs an LC-PFN model (--model).");
                    }

                    double d = argument is null ? delta : ParseDouble(argument, item);
                    string horizon = kind == "lcpfn" ? "final" : "remaining";
                    string json = string.Create(CultureInfo.InvariantCulture, $$"""{"type":"lcpfn","delta":{{d:R}},"horizon":"{{horizon}}"}""");
                    return new BenchmarkPolicy(argument is null ? kind : string.Create(CultureInfo.InvariantCulture, $"{kind}(δ={d:G4})"), factory.Create(json), usesModel: true);
                case "patience":
                    int k = argument is null ? throw new ArgumentException($"--policy: '{item}' needs k, e.g. patience:5.") : ParseInt(argument, item);
                    return new BenchmarkPolicy($"patience({k})", factory.Create($$"""{"type":"patience","k":{{k}}}"""));
                case "percentile":
                    double p = argument is null ? throw new ArgumentException($"--policy: '{item}' needs the percentile, e.g. percentile:25.") : ParseDouble(argument, item);
                    return new BenchmarkPolicy(string.Create(CultureInfo.InvariantCulture, $"percentile({p:G4})"), factory.Create(string.Create(CultureInfo.InvariantCulture, $$"""{"type":"percentile","percentile":{{p:R}}}""")));
                case "freeze-thaw" or "freeze-thaw-oracle-slot":
                    if (predictor is null)
                    {
                        throw new ArgumentException($"--policy: {kind} needs an LC-PFN model (--model).");
                    }

                    return new BenchmarkPolicy(argument is null ? kind : $"{kind}({argument})", factory.Create(FreezeThawJson(argument, item)), usesModel: true, oracleSlots: kind == "freeze-thaw-oracle-slot");
                case "none" or "asha" or "asha-promote" or "hyperband" or "median" when argument is null:
                    return kind == "none" ? None : new BenchmarkPolicy(kind, factory.Create($$"""{"type":"{{kind}}"}"""));
                case "oracle" when argument is null:
                    return new BenchmarkPolicy("oracle", null);
                default:
                    throw new ArgumentException($"--policy: '{item}' is not a policy; use lcpfn, lcpfn:DELTA, lcpfn-remaining, lcpfn-remaining:DELTA, patience:K, percentile:P, none, oracle, asha, asha-promote, hyperband, median, freeze-thaw, freeze-thaw:FIELD=VALUE;... or freeze-thaw-oracle-slot[:FIELD=VALUE;...].");
            }
        }
        catch (Hpo.Scheduler.Persistence.HpoValidationException ex)
        {
            throw new ArgumentException($"--policy: '{item}': {ex.Message}", ex);
        }
    }

    /// <summary>The JSON settings of <c>freeze-thaw:FIELD=VALUE;...</c>: numbers stay numbers, <c>/</c>-separated values become arrays, anything else a string.</summary>
    private static string FreezeThawJson(string? argument, string item)
    {
        var settings = new System.Text.Json.Nodes.JsonObject { ["type"] = "freeze-thaw" };
        foreach (string pair in (argument ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length != 2 || kv[0].Length == 0)
            {
                throw new ArgumentException($"--policy: '{item}': '{pair}' is not FIELD=VALUE.");
            }

            settings[kv[0]] = kv[1].Contains('/', StringComparison.Ordinal)
                ? new System.Text.Json.Nodes.JsonArray(kv[1].Split('/').Select(v => (System.Text.Json.Nodes.JsonNode?)ParseDouble(v, item)).ToArray())
                : double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double number) ? number : kv[1];
        }

        return settings.ToJsonString();
    }

    private static int ParseInt(string text, string item) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new ArgumentException($"--policy: '{item}': '{text}' is not a whole number.");

    private static double ParseDouble(string text, string item) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw new ArgumentException($"--policy: '{item}': '{text}' is not a number.");
}
