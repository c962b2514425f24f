namespace Hpo.Workloads.Tabular;

/// <summary>How a column's values are read.</summary>
public enum TabularColumnKind
{
    /// <summary>Numbers; a feature is standardised with the training rows' mean and deviation, a missing value imputed with the mean.</summary>
    Numeric,

    /// <summary>Text; a feature is one-hot encoded (few values) or hashed into buckets (many).</summary>
    Categorical,
}
