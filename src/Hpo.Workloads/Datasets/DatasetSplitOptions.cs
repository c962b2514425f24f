namespace Hpo.Workloads.Datasets;

/// <summary>Which file a workload trains on and how it is split into training and validation rows.</summary>
public sealed class DatasetSplitOptions
{
    /// <summary>The default <see cref="SplitSeed"/>: fixed so every trial of every experiment sees the same split.</summary>
    public const int DefaultSplitSeed = 20_240_601;

    /// <summary>The dataset file; null uses the workload's shipped file, found by <see cref="DatasetLocator"/>.</summary>
    public string? DatasetPath { get; init; }

    /// <summary>Fraction of each class held out for validation, in (0, 1). Default 0.2.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>
    /// Seed of the stratified split; independent of the trial seed so that trials differ in training
    /// randomness only, never in which rows they are evaluated on.
    /// </summary>
    public int SplitSeed { get; init; } = DefaultSplitSeed;

    /// <summary>Throws when an option is out of range.</summary>
    /// <exception cref="ArgumentException">The message names the option.</exception>
    public void Validate()
    {
        if (!(ValidationFraction > 0 && ValidationFraction < 1))
        {
            throw new ArgumentException($"{nameof(ValidationFraction)} must be in (0, 1); it is {ValidationFraction}.");
        }

        if (DatasetPath is not null && string.IsNullOrWhiteSpace(DatasetPath))
        {
            throw new ArgumentException($"{nameof(DatasetPath)} is empty; leave it null to use the shipped dataset.");
        }
    }

    /// <summary>The settings <see cref="FromSettings"/> reads.</summary>
    internal static readonly string[] SettingNames = ["dataset", "validation_fraction", "split_seed"];

    /// <summary>Reads <c>dataset</c>, <c>validation_fraction</c> and <c>split_seed</c> from a workload's settings.</summary>
    internal static DatasetSplitOptions FromSettings(WorkloadSettings settings)
    {
        var defaults = new DatasetSplitOptions();
        var options = new DatasetSplitOptions
        {
            DatasetPath = settings.GetString("dataset"),
            ValidationFraction = settings.GetDouble("validation_fraction") ?? defaults.ValidationFraction,
            SplitSeed = settings.GetInt32("split_seed") ?? defaults.SplitSeed,
        };
        if (!(options.ValidationFraction > 0 && options.ValidationFraction < 1))
        {
            throw new ArgumentException($"Workload '{settings.Type}' setting 'validation_fraction' must be in (0, 1); it is {options.ValidationFraction}.");
        }

        if (options.DatasetPath is not null && string.IsNullOrWhiteSpace(options.DatasetPath))
        {
            throw new ArgumentException($"Workload '{settings.Type}' setting 'dataset' is empty; omit it to use the shipped dataset.");
        }

        return options;
    }
}
