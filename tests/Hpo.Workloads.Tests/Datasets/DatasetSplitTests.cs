using Hpo.Workloads.Datasets;

namespace Hpo.Workloads.Tests.Datasets;

public sealed class DatasetSplitTests
{
    private static readonly TabularDataset Digits = BuiltInDatasets.LoadDigits();

    [Fact]
    public void Stratified_Digits_HoldsOutTwentyPercentOfEveryClass()
    {
        var split = DatasetSplit.Stratified(Digits, 0.2, seed: 7);

        Assert.Equal(Digits.RowCount, split.Train.RowCount + split.Validation.RowCount);
        var all = Digits.Labels.ToArray().CountBy(l => l).ToDictionary();
        var held = split.Validation.Labels.ToArray().CountBy(l => l).ToDictionary();
        foreach (var (label, count) in all)
        {
            Assert.Equal((int)Math.Round(count * 0.2), held[label]);
        }
    }

    [Fact]
    public void Stratified_SameSeed_SameRows()
    {
        var a = DatasetSplit.Stratified(Digits, 0.2, seed: 7);
        var b = DatasetSplit.Stratified(Digits, 0.2, seed: 7);

        Assert.Equal(a.Validation.Features.ToArray(), b.Validation.Features.ToArray());
        Assert.Equal(a.Train.Labels.ToArray(), b.Train.Labels.ToArray());
    }

    [Fact]
    public void Stratified_DifferentSeeds_DifferentRows()
    {
        var a = DatasetSplit.Stratified(Digits, 0.2, seed: 7);
        var b = DatasetSplit.Stratified(Digits, 0.2, seed: 8);

        Assert.NotEqual(a.Validation.Features.ToArray(), b.Validation.Features.ToArray());
    }

    [Fact]
    public void Stratified_Rows_AreDisjointAndCoverTheDataset()
    {
        var split = DatasetSplit.Stratified(Digits, 0.2, seed: 7);
        var rows = Enumerable.Range(0, Digits.RowCount).Select(i => RowKey(Digits, i)).Order().ToArray();
        var splitRows = Enumerable.Range(0, split.Train.RowCount).Select(i => RowKey(split.Train, i))
            .Concat(Enumerable.Range(0, split.Validation.RowCount).Select(i => RowKey(split.Validation, i)))
            .Order()
            .ToArray();

        Assert.Equal(rows, splitRows);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Stratified_FractionOutsideOpenUnitInterval_ThrowsNamingTheFraction(double fraction)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => DatasetSplit.Stratified(Digits, fraction, seed: 1));

        Assert.Equal("validationFraction", ex.ParamName);
    }

    [Fact]
    public void Standardized_TrainingSet_HasZeroMeanAndUnitScalePerVaryingFeature()
    {
        var split = DatasetSplit.Stratified(Digits, 0.2, seed: 7).Standardized();

        var (mean, scale) = split.Train.ComputeMeanAndScale();
        Assert.All(mean, m => Assert.InRange(m, -1e-4f, 1e-4f));

        // Constant pixels (always 0 in the training rows) keep scale 1 and standardise to 0.
        Assert.All(scale, s => Assert.InRange(s, 1f - 1e-3f, 1f + 1e-3f));
    }

    [Fact]
    public void Standardize_NonPositiveScale_ThrowsNamingTheFeature()
    {
        float[] mean = new float[64];
        float[] scale = [.. Enumerable.Repeat(1f, 64)];
        scale[3] = 0;

        var ex = Assert.Throws<ArgumentException>(() => Digits.Standardize(mean, scale));

        Assert.Contains("Scale of feature 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_LabelOutOfRange_ThrowsNamingTheRow()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TabularDataset("t", [1f, 2f], 1, [0, 2], 2));

        Assert.Contains("row 1 has label 2", ex.Message, StringComparison.Ordinal);
    }

    private static string RowKey(TabularDataset data, int row) =>
        string.Join(',', data.GetRow(row).ToArray()) + ":" + data.Labels.Span[row];
}
