using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using Hpo.LcPfn.Models;

namespace Hpo.LcPfn.Tests.Models;

// In the sequential torch collection because it changes a process-wide environment variable.
[Collection(TorchCollection.Name)]
public sealed class DefaultModelLocatorTests
{
    [Fact]
    public void Require_EnvironmentPointsToMissingFile_ThrowsListingIt()
    {
        string missing = Path.Combine(TinyModels.TempDirectory(), "missing.lcpfn");
        string? before = Environment.GetEnvironmentVariable(DefaultModelLocator.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(DefaultModelLocator.EnvironmentVariable, missing);

            var ex = Assert.Throws<FileNotFoundException>(DefaultModelLocator.Require);

            Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
            Assert.Contains("hpo lcpfn train", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(DefaultModelLocator.EnvironmentVariable, before);
        }
    }

    [Fact]
    public void LoadDefault_EnvironmentPointsToModel_LoadsIt()
    {
        string path = Path.Combine(TinyModels.TempDirectory(), "default.lcpfn");
        using (var model = TinyModels.RandomModel())
        {
            model.Save(path);
        }

        string? before = Environment.GetEnvironmentVariable(DefaultModelLocator.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(DefaultModelLocator.EnvironmentVariable, path);

            using var predictor = LcPfnPredictor.LoadDefault();

            Assert.Equal(20, predictor.MaxEpochs);
        }
        finally
        {
            Environment.SetEnvironmentVariable(DefaultModelLocator.EnvironmentVariable, before);
        }
    }
}
