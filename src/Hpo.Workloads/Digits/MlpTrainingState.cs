using TorchSharp;
using static TorchSharp.torch;

namespace Hpo.Workloads.Digits;

/// <summary>
/// The checkpoint body of a TorchSharp MLP run (the digits MLP and <c>tabular-mlp</c>): the weights
/// (<c>Module.save</c>), the optimiser's state (SGD momentum, AdamW moments and step counts) and the run's generator
/// state, so that a restored run draws the same shuffles and dropout masks as the uninterrupted one would have.
/// </summary>
internal static class MlpTrainingState
{
    public static void Write(BinaryWriter writer, MlpNetwork model, optim.Optimizer optimizer, Generator generator)
    {
        model.save(writer);
        ((TorchSharp.Modules.OptimizerHelper)optimizer).save_state_dict(writer);
        using var state = generator.get_state();
        byte[] bytes = state.data<byte>().ToArray();
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    /// <exception cref="EndOfStreamException">The generator state is cut short.</exception>
    public static void Read(BinaryReader reader, MlpNetwork model, optim.Optimizer optimizer, Generator generator)
    {
        model.load(reader);
        ((TorchSharp.Modules.OptimizerHelper)optimizer).load_state_dict(reader);
        int length = reader.ReadInt32();
        byte[] bytes = reader.ReadBytes(length);
        if (length <= 0 || bytes.Length != length)
        {
            throw new EndOfStreamException($"the generator state should be {length} bytes; {bytes.Length} were left");
        }

        using var state = tensor(bytes, ScalarType.Byte);
        generator.set_state(state);
    }
}
