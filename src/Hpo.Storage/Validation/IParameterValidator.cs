namespace Hpo.Storage.Validation;

/// <summary>
/// Checks a trial's configuration against its experiment's search space before the trial is stored. The store
/// calls it on every <c>CreateTrialAsync</c>; the scheduler's search-space check plugs in here through DI
/// (register your implementation before or instead of <see cref="FlatJsonParameterValidator"/>).
/// </summary>
public interface IParameterValidator
{
    /// <summary>Throws <see cref="Scheduler.Persistence.HpoValidationException"/> naming the offending parameter when the configuration is not allowed.</summary>
    /// <param name="searchSpaceJson">The experiment's search space, as stored.</param>
    /// <param name="parametersJson">The proposed configuration (its size is already checked).</param>
    void Validate(string searchSpaceJson, string parametersJson);
}
