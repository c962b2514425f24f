using Hpo.Workloads.Datasets;

namespace Hpo.Workloads.Tests.Datasets;

public sealed class BuiltInDatasetsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hpo-datasets-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void LoadDigits_ShippedFile_Has1797RowsOf64PixelsAndTenBalancedClasses()
    {
        var digits = BuiltInDatasets.LoadDigits();

        Assert.Equal(1797, digits.RowCount);
        Assert.Equal(64, digits.FeatureCount);
        Assert.Equal(10, digits.ClassCount);
        Assert.All(digits.Features.ToArray(), v => Assert.InRange(v, 0f, 16f));
        var counts = digits.Labels.ToArray().CountBy(l => l).ToDictionary();
        Assert.Equal(10, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 174, 183));
        Assert.Equal([0f, 0f, 5f, 13f, 9f, 1f, 0f, 0f], digits.GetRow(0)[..8].ToArray());
        Assert.Equal(0, digits.Labels.Span[0]);
    }

    [Fact]
    public void LoadBreastCancer_ShippedFile_Has569RowsOf30FeaturesWith212Malignant()
    {
        var data = BuiltInDatasets.LoadBreastCancer();

        Assert.Equal(569, data.RowCount);
        Assert.Equal(30, data.FeatureCount);
        Assert.Equal(2, data.ClassCount);
        Assert.Equal(212, data.Labels.ToArray().Count(l => l == 0));
        Assert.Equal(17.99f, data.GetRow(0)[0]);
    }

    [Fact]
    public void LoadDigits_MissingPath_ThrowsFileNotFoundNamingThePath()
    {
        string path = Path.Combine(_folder, "missing.csv.gz");

        var ex = Assert.Throws<FileNotFoundException>(() => BuiltInDatasets.LoadDigits(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadBreastCancer_RowWithTooFewFields_ThrowsInvalidDataNamingTheLine()
    {
        string path = Path.Combine(_folder, "bc.csv");
        File.WriteAllLines(path, ["2,3,a,b", "1,2,3,0", "1,2,1"]);

        var ex = Assert.Throws<InvalidDataException>(() => BuiltInDatasets.LoadBreastCancer(path));

        Assert.Contains("line 3 has 3 fields", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadBreastCancer_HeaderWithoutCounts_ThrowsInvalidDataNamingTheFormat()
    {
        string path = Path.Combine(_folder, "bc.csv");
        File.WriteAllLines(path, ["radius,texture,label", "1,2,0"]);

        var ex = Assert.Throws<InvalidDataException>(() => BuiltInDatasets.LoadBreastCancer(path));

        Assert.Contains("line 1 must be 'rows,features,class names...'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadBreastCancer_LabelOutOfRange_ThrowsInvalidDataNamingTheLabel()
    {
        string path = Path.Combine(_folder, "bc.csv");
        File.WriteAllLines(path, ["1,2,a,b", "1,2,5"]);

        var ex = Assert.Throws<InvalidDataException>(() => BuiltInDatasets.LoadBreastCancer(path));

        Assert.Contains("line 2 has label '5'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadBreastCancer_NonNumericFeature_ThrowsInvalidDataNamingTheField()
    {
        string path = Path.Combine(_folder, "bc.csv");
        File.WriteAllLines(path, ["1,2,a,b", "1,x,0"]);

        var ex = Assert.Throws<InvalidDataException>(() => BuiltInDatasets.LoadBreastCancer(path));

        Assert.Contains("line 2 field 2 is 'x'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadBreastCancer_RowCountDisagreesWithHeader_ThrowsInvalidData()
    {
        string path = Path.Combine(_folder, "bc.csv");
        File.WriteAllLines(path, ["3,2,a,b", "1,2,0", "1,2,1"]);

        var ex = Assert.Throws<InvalidDataException>(() => BuiltInDatasets.LoadBreastCancer(path));

        Assert.Contains("declares 3 rows", ex.Message, StringComparison.Ordinal);
    }
}
