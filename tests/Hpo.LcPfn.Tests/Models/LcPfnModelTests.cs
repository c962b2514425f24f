using Hpo.LcPfn.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hpo.LcPfn.Tests.Models;

[Collection(TorchCollection.Name)]
public sealed class LcPfnModelTests
{
    private static float[] Output(LcPfnModel model)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var epochs = arange(1, 21, dtype: ScalarType.Float32).unsqueeze(0);
        var values = linspace(0.2, 0.8, 20, dtype: ScalarType.Float32).unsqueeze(0);
        var observed = arange(20).lt(6).to_type(ScalarType.Float32).unsqueeze(0);
        return model.Network.Decode(model.Network.forward(epochs, values, observed)).data<float>().ToArray();
    }

    private static string SavedModel(out float[] output)
    {
        using var model = TinyModels.RandomModel();
        model.Metadata = model.Metadata with { CurvesSeen = 1234, Steps = 5, CodeVersion = "test" };
        string path = Path.Combine(TinyModels.TempDirectory(), "m.lcpfn");
        model.Save(path);
        output = Output(model);
        return path;
    }

    [Fact]
    public void SaveThenLoad_GivesIdenticalOutputsBordersAndMetadata()
    {
        using var original = TinyModels.RandomModel();
        original.Metadata = original.Metadata with { CurvesSeen = 1234, Steps = 5, Seed = 99, CodeVersion = "test", CreatedUtc = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero) };
        string path = Path.Combine(TinyModels.TempDirectory(), "m.lcpfn");

        original.Save(path);
        using var loaded = LcPfnModel.Load(path);

        Assert.Equal(Output(original), Output(loaded));
        Assert.Equal(original.Distribution.Borders, loaded.Distribution.Borders);
        Assert.Equal(original.Architecture, loaded.Architecture);
        Assert.Equal(original.Metadata, loaded.Metadata);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp-*"));
    }

    [Fact]
    public void Load_NotAModel_ThrowsSaying()
    {
        string path = Path.Combine(TinyModels.TempDirectory(), "text.lcpfn");
        File.WriteAllText(path, "hello, I am not a model");

        var ex = Assert.Throws<LcPfnModelFormatException>(() => LcPfnModel.Load(path));
        Assert.Contains("not an LC-PFN model file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TruncatedFile_ThrowsSaying()
    {
        string path = SavedModel(out _);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var ex = Assert.Throws<LcPfnModelFormatException>(() => LcPfnModel.Load(path));
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FlippedByte_ThrowsChecksumError()
    {
        string path = SavedModel(out _);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<LcPfnModelFormatException>(() => LcPfnModel.Load(path));
        Assert.Contains("checksum", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OtherFormatVersion_ThrowsNamingBothVersions()
    {
        string path = SavedModel(out _);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[8] = 9;
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<LcPfnModelFormatException>(() => LcPfnModel.Load(path));
        Assert.Contains("version 9", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => LcPfnModel.Load(Path.Combine(TinyModels.TempDirectory(), "absent.lcpfn")));
    }

    [Fact]
    public void WithBfloat16Weights_RandomModel_RoundsEveryWeightMatrixKeepsTheRestAndLeavesTheOriginal()
    {
        using var model = TinyModels.RandomModel();
        var before = model.Network.state_dict().ToDictionary(p => p.Key, p => p.Value.data<float>().ToArray());

        using var rounded = model.WithBfloat16Weights();

        var after = rounded.Network.state_dict();
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        int matrices = 0;
        foreach (var (name, tensor) in after)
        {
            float[] values = tensor.data<float>().ToArray();
            if (tensor.dim() == 2)
            {
                matrices++;
                Assert.Equal(before[name].Select(Hpo.LcPfn.Inference.Bfloat16.Round), values);
            }
            else
            {
                Assert.Equal(before[name], values);
            }

            Assert.Equal(before[name], model.Network.state_dict()[name].data<float>().ToArray());
        }

        // Both encoders, the four projections of each layer, the head's two.
        Assert.Equal(2 + (4 * model.Architecture.Layers) + 2, matrices);
        Assert.Equal(model.Distribution.BucketCount, rounded.Distribution.BucketCount);
        Assert.Equal(model.Metadata, rounded.Metadata);
    }
}
