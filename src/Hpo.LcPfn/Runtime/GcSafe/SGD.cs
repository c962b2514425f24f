using TorchSharp;
using static TorchSharp.torch;

namespace Hpo.LcPfn.Runtime.GcSafe;

/// <summary>
/// TorchSharp 0.107's SGD (momentum, dampening 0, weight decay, no Nesterov) with its update rewritten so that no
/// <see cref="Scalar"/> can be finalized while libtorch reads it; the same operations on the same values in the same
/// order, so the same parameters bit for bit, and the same state and checkpoints (the base class saves and loads them).
/// Why, and why the name: <see cref="AdamW"/>.
/// </summary>
internal sealed class SGD : TorchSharp.Modules.SGD
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/> (the arguments of TorchSharp's <c>optim.SGD</c>).</summary>
    public SGD(IEnumerable<TorchSharp.Modules.Parameter> parameters, double lr, double momentum = 0, double weight_decay = 0)
        : base(parameters, lr, momentum, dampening: 0, weight_decay: weight_decay)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(
        group =>
        {
            var options = group.Options;
            double momentum = options.momentum!.Value;
            double dampening = options.dampening!.Value;
            double weightDecay = options.weight_decay!.Value;
            double lr = options.LearningRate!.Value;
            using var decay = weightDecay.ToScalar();
            using var keep = momentum.ToScalar();
            using var take = (1 - dampening).ToScalar();
            using var rate = (-lr).ToScalar();
            foreach (var param in group.Parameters)
            {
                var state = (State)_state[param.Handle];
                var grad = param.grad;
                if (grad is null)
                {
                    continue;
                }

                if (weightDecay != 0)
                {
                    grad = grad.add(param, alpha: decay);
                }

                if (momentum != 0)
                {
                    var buffer = state.momentum_buffer;
                    if (buffer is null)
                    {
                        buffer = grad.clone().detach().DetachFromDisposeScope();
                        state.momentum_buffer = buffer;
                    }
                    else
                    {
                        buffer.mul_(keep).add_(grad, alpha: take);
                    }

                    grad = buffer;
                }

                param.add_(grad, alpha: rate);
            }
        },
        closure);
}
