namespace Hpo.Workloads.Datasets;

/// <summary>A training set and a validation set drawn from one dataset.</summary>
public sealed class DatasetSplit
{
    private DatasetSplit(TabularDataset train, TabularDataset validation)
    {
        Train = train;
        Validation = validation;
    }

    /// <summary>The rows a model trains on.</summary>
    public TabularDataset Train { get; }

    /// <summary>The held-out rows each epoch is evaluated on.</summary>
    public TabularDataset Validation { get; }

    /// <summary>
    /// A stratified split: each class contributes <paramref name="validationFraction"/> of its rows (rounded,
    /// at least one when the class has two or more) to the validation set, chosen by a seeded shuffle, so the
    /// same seed gives the same split on every machine.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validationFraction"/> is not in (0, 1).</exception>
    public static DatasetSplit Stratified(TabularDataset dataset, double validationFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!(validationFraction > 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be in (0, 1).");
        }

        var (train, validation) = StratifiedRows(dataset.Labels.Span, dataset.ClassCount, validationFraction, seed);
        return new DatasetSplit(dataset.Select(train), dataset.Select(validation));
    }

    /// <summary>
    /// The row indices of <see cref="Stratified"/>: each stratum (a class, or any grouping such as a regression
    /// target's quantile) gives <paramref name="validationFraction"/> of its rows to validation, chosen by a
    /// seeded shuffle; both lists are sorted.
    /// </summary>
    internal static (List<int> Train, List<int> Validation) StratifiedRows(ReadOnlySpan<int> strata, int strataCount, double validationFraction, int seed)
    {
        var random = new Random(seed);
        var members = new List<int>[strataCount];
        for (int c = 0; c < strataCount; c++)
        {
            members[c] = [];
        }

        for (int i = 0; i < strata.Length; i++)
        {
            members[strata[i]].Add(i);
        }

        var train = new List<int>();
        var validation = new List<int>();
        for (int c = 0; c < strataCount; c++)
        {
            int[] shuffled = [.. members[c]];
            random.Shuffle(shuffled);
            int take = shuffled.Length < 2 ? 0 : Math.Clamp((int)Math.Round(shuffled.Length * validationFraction), 1, shuffled.Length - 1);
            validation.AddRange(shuffled.Take(take));
            train.AddRange(shuffled.Skip(take));
        }

        // Sorted so the row order is the file's; the trainers shuffle (seeded) themselves.
        train.Sort();
        validation.Sort();
        return (train, validation);
    }

    /// <summary>
    /// Both sets standardised with the training set's per-feature mean and standard deviation (the
    /// validation set never informs the scaling).
    /// </summary>
    public DatasetSplit Standardized()
    {
        var (mean, scale) = Train.ComputeMeanAndScale();
        return new DatasetSplit(Train.Standardize(mean, scale), Validation.Standardize(mean, scale));
    }
}
