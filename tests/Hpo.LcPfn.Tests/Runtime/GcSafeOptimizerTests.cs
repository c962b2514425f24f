using Hpo.LcPfn.Runtime;
using GcSafe = Hpo.LcPfn.Runtime.GcSafe;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hpo.LcPfn.Tests.Runtime;

/// <summary>
/// The GC-safe optimizers must be TorchSharp's, update for update: the same parameters bit for bit, and the state a
/// checkpoint holds readable either way (paused trials and training checkpoints saved before them must resume alike).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class GcSafeOptimizerTests
{
    private const int Steps = 25;

    [Fact]
    public void Step_AdamWWithWeightDecay_SameParametersAsTorchSharpsAdamW()
    {
        TorchRuntime.EnsureLoaded();
        using var ours = Model(seed: 3);
        using var theirs = Model(seed: 3);
        using var safe = new GcSafe.AdamW(ours.parameters(), lr: 0.01, weight_decay: 0.05);
        using var reference = optim.AdamW(theirs.parameters(), lr: 0.01, weight_decay: 0.05);

        Train(ours, safe, Steps, seed: 11);
        Train(theirs, reference, Steps, seed: 11);

        AssertSameParameters(ours, theirs);
        AssertMoved(ours, Model(seed: 3));
    }

    [Fact]
    public void Step_SgdWithMomentumAndWeightDecay_SameParametersAsTorchSharpsSgd()
    {
        TorchRuntime.EnsureLoaded();
        using var ours = Model(seed: 5);
        using var theirs = Model(seed: 5);
        using var safe = new GcSafe.SGD(ours.parameters(), lr: 0.05, momentum: 0.9, weight_decay: 0.001);
        using var reference = optim.SGD(theirs.parameters(), 0.05, momentum: 0.9, weight_decay: 0.001);

        Train(ours, safe, Steps, seed: 12);
        Train(theirs, reference, Steps, seed: 12);

        AssertSameParameters(ours, theirs);
        AssertMoved(ours, Model(seed: 5));
    }

    [Fact]
    public void LoadStateDict_StateSavedByTorchSharpsAdamW_ContinuesAsTorchSharpsWould()
    {
        TorchRuntime.EnsureLoaded();
        using var before = Model(seed: 7);
        using var first = optim.AdamW(before.parameters(), lr: 0.01, weight_decay: 0.01);
        Train(before, first, 10, seed: 13);
        byte[] saved = Save(first);

        // Both continue from the same saved state and weights: TorchSharp's optimizer and ours.
        using var theirs = Copy(before);
        using var ours = Copy(before);
        using var reference = optim.AdamW(theirs.parameters(), lr: 0.01, weight_decay: 0.01);
        using var safe = new GcSafe.AdamW(ours.parameters(), lr: 0.01, weight_decay: 0.01);
        Load(reference, saved);
        Load(safe, saved);
        Train(theirs, reference, 10, seed: 14);
        Train(ours, safe, 10, seed: 14);

        AssertSameParameters(ours, theirs);
        Assert.Equal(saved.Length, Save(safe).Length);
    }

    private static Sequential Model(int seed)
    {
        torch.manual_seed(seed);
        return nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 1));
    }

    private static Sequential Copy(Sequential source)
    {
        var copy = Model(seed: 99);
        using (no_grad())
        {
            foreach (var (target, from) in copy.parameters().Zip(source.parameters()))
            {
                target.copy_(from);
            }
        }

        return copy;
    }

    private static void Train(Sequential model, optim.Optimizer optimizer, int steps, int seed)
    {
        using var generator = new Generator((ulong)seed);
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            var x = randn([16, 6], generator: generator);
            var y = x.sum(1, keepdim: true).sin();
            var loss = nn.functional.mse_loss(model.call(x), y);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }
    }

    private static byte[] Save(optim.Optimizer optimizer)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            ((OptimizerHelper)optimizer).save_state_dict(writer);
        }

        return stream.ToArray();
    }

    private static void Load(optim.Optimizer optimizer, byte[] state)
    {
        using var reader = new BinaryReader(new MemoryStream(state));
        ((OptimizerHelper)optimizer).load_state_dict(reader);
    }

    private static void AssertSameParameters(Sequential ours, Sequential theirs)
    {
        foreach (var (a, b) in ours.parameters().Zip(theirs.parameters()))
        {
            Assert.Equal(b.data<float>().ToArray(), a.data<float>().ToArray());
        }
    }

    private static void AssertMoved(Sequential trained, Sequential initial)
    {
        using (initial)
        {
            Assert.Contains(trained.parameters().Zip(initial.parameters()), p => !p.First.data<float>().ToArray().SequenceEqual(p.Second.data<float>().ToArray()));
        }
    }
}
