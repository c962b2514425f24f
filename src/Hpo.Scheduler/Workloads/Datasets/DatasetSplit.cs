namespace Hpo.Scheduler.Workloads.Datasets;

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

        var random = new Random(seed);
        var train = new List<int>();
        var validation = new List<int>();
        var labels = dataset.Labels.Span;
        for (int c = 0; c < dataset.ClassCount; c++)
        {
            var rows = new List<int>();
            for (int i = 0; i < labels.Length; i++)
            {
                if (labels[i] == c)
                {
                    rows.Add(i);
                }
            }

            int[] shuffled = [.. rows];
            random.Shuffle(shuffled);
            int take = shuffled.Length < 2 ? 0 : Math.Clamp((int)Math.Round(shuffled.Length * validationFraction), 1, shuffled.Length - 1);
            validation.AddRange(shuffled.Take(take));
            train.AddRange(shuffled.Skip(take));
        }

        // Sorted so the row order is the file's; the trainers shuffle (seeded) themselves.
        train.Sort();
        validation.Sort();
        return new DatasetSplit(dataset.Select(train), dataset.Select(validation));
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
