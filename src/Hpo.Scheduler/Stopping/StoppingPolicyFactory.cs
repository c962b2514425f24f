using Hpo.Scheduler.Prediction;
using Hpo.Scheduler.Configuration;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping.Asha;
using Hpo.Scheduler.Stopping.FreezeThaw;
using Hpo.Scheduler.Stopping.Hyperband;
using Hpo.Scheduler.Stopping.LcPfn;
using Hpo.Scheduler.Stopping.None;
using Hpo.Scheduler.Stopping.Patience;
using Hpo.Scheduler.Stopping.Percentile;
using Hpo.Scheduler.Stopping.Threshold;

namespace Hpo.Scheduler.Stopping;

/// <summary>
/// Builds a stopping policy from its JSON settings (<see cref="ExperimentSpec.PolicyJson"/>). Forms
/// (fields other than <c>type</c> are optional and default as in each options class):
/// <code>
/// {"type":"lcpfn","delta":0.05,"minEpochs":2,"horizon":"final"}
/// {"type":"asha","eta":3,"minResource":1}
/// {"type":"asha-promote","eta":3,"minResource":1}
/// {"type":"freeze-thaw","delta":0.05,"minEpochs":2,"rungs":[2,4,8,16,32],"acquisition":"population","resumeThreshold":0.05,"populationFactor":1}
/// {"type":"freeze-thaw","startDelta":0.1,"budgetEpochs":2080}   (optional budget-aware δ: startDelta falls to delta over budgetEpochs)
/// {"type":"hyperband","eta":3,"minResource":1,"brackets":4}
/// {"type":"median","minEpochs":5,"minTrials":5}
/// {"type":"percentile","percentile":25,"minEpochs":5,"minTrials":5}
/// {"type":"patience","k":5}
/// {"type":"threshold","threshold":0.5,"minEpochs":3}
/// {"type":"none"}
/// </code>
/// </summary>
public sealed class StoppingPolicyFactory
{
    /// <summary>The default policy: LC-PFN with the paper's settings (δ 0.05, from epoch 2).</summary>
    public const string DefaultPolicyJson = """{"type":"lcpfn","delta":0.05,"minEpochs":2}""";

    private readonly ICurvePredictor? _predictor;

    /// <summary>Creates the factory; <paramref name="predictor"/> is needed only for <c>lcpfn</c> and <c>freeze-thaw</c>.</summary>
    public StoppingPolicyFactory(ICurvePredictor? predictor = null)
    {
        _predictor = predictor;
    }

    /// <summary>
    /// Checks the policy <paramref name="json"/> describes, every policy type included, without a model: an
    /// <c>lcpfn</c> policy's settings are checked as <see cref="Create"/> checks them, but no LC-PFN is loaded
    /// (e.g. <c>hpo submit</c>, whose workers decide with the model they were started with).
    /// </summary>
    /// <exception cref="HpoValidationException">The settings are invalid (the message names the field).</exception>
    public static void Validate(string json) => new StoppingPolicyFactory(Experiments.Files.ValidationPredictor.Instance).Create(json);

    /// <summary>The policy <paramref name="json"/> describes.</summary>
    /// <exception cref="HpoValidationException">The settings are invalid (the message names the field), or <c>lcpfn</c> was asked for without a predictor.</exception>
    public IStoppingPolicy Create(string json)
    {
        var s = JsonSettings.Parse(json, "policy");
        string type = s.RequiredString("type");
        switch (type)
        {
            case "lcpfn":
                s.AllowOnly("type", "delta", "minEpochs", "horizon");
                var lcpfn = new LcPfnPolicyOptions();
                lcpfn.Delta = s.OptionalDouble("delta", 0, 1, exclusiveMin: true) ?? lcpfn.Delta;
                lcpfn.MinEpochs = s.OptionalInt("minEpochs", 1, int.MaxValue) ?? lcpfn.MinEpochs;
                lcpfn.Horizon = s.OptionalString("horizon", "final", "remaining") switch
                {
                    null => lcpfn.Horizon,
                    "final" => LcPfnHorizon.FinalEpoch,
                    _ => LcPfnHorizon.AnyRemainingEpoch,
                };
                lcpfn.Validate();
                return new LcPfnStoppingPolicy(
                    _predictor ?? throw new HpoValidationException("Policy type 'lcpfn' needs an LC-PFN predictor, and none is registered (ICurvePredictor)."),
                    lcpfn);
            case "asha":
                s.AllowOnly("type", "eta", "minResource");
                var asha = new AshaOptions();
                asha.Eta = s.OptionalInt("eta", 2, int.MaxValue) ?? asha.Eta;
                asha.MinResource = s.OptionalInt("minResource", 1, int.MaxValue) ?? asha.MinResource;
                return new AshaStoppingPolicy(asha);
            case "asha-promote":
                s.AllowOnly("type", "eta", "minResource");
                var promote = new AshaOptions();
                promote.Eta = s.OptionalInt("eta", 2, int.MaxValue) ?? promote.Eta;
                promote.MinResource = s.OptionalInt("minResource", 1, int.MaxValue) ?? promote.MinResource;
                return new AshaPromoteStoppingPolicy(promote);
            case "freeze-thaw":
                s.AllowOnly("type", "delta", "minEpochs", "rungs", "acquisition", "resumeThreshold", "populationFactor", "startDelta", "budgetEpochs");
                var ft = new FreezeThawOptions();
                ft.Delta = s.OptionalDouble("delta", 0, 1, exclusiveMin: true) ?? ft.Delta;
                ft.MinEpochs = s.OptionalInt("minEpochs", 1, int.MaxValue) ?? ft.MinEpochs;
                ft.Rungs = s.OptionalIntArray("rungs", 1, int.MaxValue) ?? ft.Rungs;
                ft.Acquisition = s.OptionalString("acquisition", "threshold", "population", "ei") switch
                {
                    null => ft.Acquisition,
                    "threshold" => FreezeThawAcquisition.Threshold,
                    "population" => FreezeThawAcquisition.Population,
                    _ => FreezeThawAcquisition.ExpectedImprovement,
                };

                // An unset resume threshold follows a larger δ, so that {"delta":0.1} alone is valid.
                ft.ResumeThreshold = s.OptionalDouble("resumeThreshold", 0, 1) ?? Math.Max(ft.ResumeThreshold, ft.Delta);
                ft.PopulationFactor = s.OptionalDouble("populationFactor", 0, 1000, exclusiveMin: true) ?? ft.PopulationFactor;
                ft.StartDelta = s.OptionalDouble("startDelta", 0, 1, exclusiveMin: true);
                ft.BudgetEpochs = s.OptionalInt("budgetEpochs", 1, int.MaxValue);
                ft.Validate();
                return new FreezeThawStoppingPolicy(
                    _predictor ?? throw new HpoValidationException("Policy type 'freeze-thaw' needs an LC-PFN predictor, and none is registered (ICurvePredictor)."),
                    ft);
            case "hyperband":
                s.AllowOnly("type", "eta", "minResource", "brackets");
                var hb = new HyperbandOptions();
                hb.Eta = s.OptionalInt("eta", 2, int.MaxValue) ?? hb.Eta;
                hb.MinResource = s.OptionalInt("minResource", 1, int.MaxValue) ?? hb.MinResource;
                hb.Brackets = s.OptionalInt("brackets", 1, 64);
                return new HyperbandStoppingPolicy(hb);
            case "median":
                s.AllowOnly("type", "minEpochs", "minTrials");
                return PercentileStoppingPolicy.Median(s.OptionalInt("minEpochs", 1, int.MaxValue) ?? 5, s.OptionalInt("minTrials", 2, int.MaxValue) ?? 5);
            case "percentile":
                s.AllowOnly("type", "percentile", "minEpochs", "minTrials");
                var pc = new PercentileOptions();
                pc.Percentile = s.OptionalDouble("percentile", 0, 100, exclusiveMin: true) ?? pc.Percentile;
                pc.MinEpochs = s.OptionalInt("minEpochs", 1, int.MaxValue) ?? pc.MinEpochs;
                pc.MinTrials = s.OptionalInt("minTrials", 2, int.MaxValue) ?? pc.MinTrials;
                return new PercentileStoppingPolicy(pc);
            case "patience":
                s.AllowOnly("type", "k");
                return new PatienceStoppingPolicy(new PatienceOptions { K = s.OptionalInt("k", 0, int.MaxValue) ?? 5 });
            case "threshold":
                s.AllowOnly("type", "threshold", "minEpochs");
                return new ThresholdStoppingPolicy(new ThresholdOptions
                {
                    Threshold = s.RequiredDouble("threshold", double.MinValue, double.MaxValue),
                    MinEpochs = s.OptionalInt("minEpochs", 1, int.MaxValue) ?? 1,
                });
            case "none":
                s.AllowOnly("type");
                return new NoStoppingPolicy();
            default:
                throw new HpoValidationException($"Policy field 'type' is '{type}'; expected lcpfn, freeze-thaw, asha, asha-promote, hyperband, median, percentile, patience, threshold or none.");
        }
    }
}
