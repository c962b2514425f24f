using Hpo.Workloads.Datasets;

namespace Hpo.Workloads.Tests.Datasets;

public sealed class DatasetLocatorTests
{
    [Fact]
    public void Locate_ShippedDigits_FindsTheCopyBesideTheTestAssembly()
    {
        string path = DatasetLocator.Locate(BuiltInDatasets.DigitsFileName);

        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "data", "datasets", BuiltInDatasets.DigitsFileName), path);
    }

    [Fact]
    public void Locate_BuildOutput_CarriesProvenanceAndLicence()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "data", "datasets");

        Assert.True(File.Exists(Path.Combine(folder, "README.md")));
        Assert.True(File.Exists(Path.Combine(folder, "DEBIAN_COPYRIGHT")));
        Assert.True(File.Exists(Path.Combine(folder, BuiltInDatasets.BreastCancerFileName)));
    }

    [Fact]
    public void Locate_MissingFile_ThrowsFileNotFoundListingEveryPlaceAndTheFix()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => DatasetLocator.Locate("no-such-dataset.csv"));

        Assert.Equal("no-such-dataset.csv", ex.FileName);
        Assert.Contains("Dataset 'no-such-dataset.csv' was not found", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(AppContext.BaseDirectory, "data", "datasets", "no-such-dataset.csv"), ex.Message, StringComparison.Ordinal);
        Assert.Contains(DatasetLocator.EnvironmentVariable, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_MissingFile_ReturnsNull()
    {
        Assert.Null(DatasetLocator.Find("no-such-dataset.csv"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("data/digits.csv.gz")]
    public void Locate_NameWithFolderOrEmpty_ThrowsArgumentException(string fileName)
    {
        Assert.ThrowsAny<ArgumentException>(() => DatasetLocator.Locate(fileName));
    }

    [Fact]
    public void Candidates_NoEnvironmentFolder_ApplicationFolderThenCurrentFolderAndParents()
    {
        string app = Path.Combine(Path.GetTempPath(), "app");
        string current = Path.Combine(Path.GetTempPath(), "repo", "src");

        string[] candidates = [.. DatasetLocator.Candidates("x.csv", null, app, current)];

        Assert.Equal(Path.Combine(app, "data", "datasets", "x.csv"), candidates[0]);
        Assert.Equal(Path.Combine(current, "data", "datasets", "x.csv"), candidates[1]);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "repo", "data", "datasets", "x.csv"), candidates[2]);
        Assert.Equal(Path.Combine("/", "data", "datasets", "x.csv"), candidates[^1]);
    }

    [Fact]
    public void Candidates_EnvironmentFolder_IsTheOnlyPlace()
    {
        string[] candidates = [.. DatasetLocator.Candidates("x.csv", "/srv/datasets", "/app", "/repo")];

        Assert.Equal(["/srv/datasets/x.csv"], candidates);
    }
}
