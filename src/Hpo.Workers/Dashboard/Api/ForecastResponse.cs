namespace Hpo.Workers.Dashboard.Api;

/// <summary>
/// The LC-PFN's predictive distribution of a trial's metric at every epoch after its observed ones, in the
/// metric's units: mean and the 5, 25, 50, 75 and 95% quantiles at each of <see cref="Epochs"/>.
/// </summary>
/// <param name="TrialId">The trial.</param>
/// <param name="ObservedEpochs">How many epochs (1..k, without a gap) the forecast is conditioned on.</param>
/// <param name="Epochs">The forecast epochs, ascending, up to the experiment's final epoch (empty when none is left).</param>
/// <param name="Mean">The predictive mean at each epoch.</param>
/// <param name="Q05">The 5% quantile at each epoch.</param>
/// <param name="Q25">The 25% quantile at each epoch.</param>
/// <param name="Q50">The median at each epoch.</param>
/// <param name="Q75">The 75% quantile at each epoch.</param>
/// <param name="Q95">The 95% quantile at each epoch.</param>
/// <param name="PBeatBest">P(the value at the final epoch is better than <paramref name="BestValue"/>); null when nothing is forecast or no best exists.</param>
/// <param name="BestValue">The experiment's best value the probability is measured against.</param>
/// <param name="Model">The SHA-256 (lowercase hex) of the model file that made the forecast.</param>
internal sealed record ForecastResponse(
    long TrialId,
    int ObservedEpochs,
    IReadOnlyList<int> Epochs,
    IReadOnlyList<double> Mean,
    IReadOnlyList<double> Q05,
    IReadOnlyList<double> Q25,
    IReadOnlyList<double> Q50,
    IReadOnlyList<double> Q75,
    IReadOnlyList<double> Q95,
    double? PBeatBest,
    double? BestValue,
    string Model);
