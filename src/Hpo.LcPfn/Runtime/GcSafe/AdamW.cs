using TorchSharp;
using static TorchSharp.torch;

namespace Hpo.LcPfn.Runtime.GcSafe;

/// <summary>
/// TorchSharp 0.107's AdamW with its update rewritten so that no <see cref="Scalar"/> can be finalized while libtorch
/// reads it: the same operations on the same values in the same order (so the same parameters, bit for bit, and the
/// same state and checkpoints, which the base class saves and loads), with every Scalar made explicitly and disposed
/// after its use.
/// </summary>
/// <remarks>
/// The base class's <c>step</c> passes doubles where libtorch takes a Scalar (<c>param.mul_(1 - lr * weight_decay)</c>),
/// so each call makes a temporary Scalar whose native handle a GC may finalize on the finalizer thread while the call is
/// still running; the digits MLP's resumable-workload test failed once that way ("Unknown scalar type" from
/// <c>AdamW.step</c>). The same race as in <see cref="Runtime.TorchScalars"/>. AMSGrad and maximize are not supported (nothing
/// here uses them). The class is named <c>AdamW</c> because TorchSharp writes the optimizer's type name into its saved
/// state and refuses to load a state saved under another name: checkpoints written with TorchSharp's AdamW (paused
/// trials, LC-PFN training runs) load into this one and back (tested).
/// </remarks>
internal sealed class AdamW : TorchSharp.Modules.AdamW
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/> (the arguments of TorchSharp's <c>optim.AdamW</c>).</summary>
    public AdamW(IEnumerable<TorchSharp.Modules.Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0)
        : base(parameters, lr, beta1, beta2, eps, weight_decay)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(
        group =>
        {
            var options = (Options)group.Options;
            double beta1 = options.beta1!.Value;
            double beta2 = options.beta2!.Value;
            double weightDecay = options.weight_decay!.Value;
            double eps = options.eps!.Value;
            double lr = options.LearningRate!.Value;
            using var decay = (1 - (lr * weightDecay)).ToScalar();
            using var keep1 = beta1.ToScalar();
            using var take1 = (1 - beta1).ToScalar();
            using var keep2 = beta2.ToScalar();
            using var take2 = (1 - beta2).ToScalar();
            using var epsilon = eps.ToScalar();
            foreach (var param in group.Parameters)
            {
                var state = (State)_state[param.Handle];
                var grad = param.grad;
                if (grad is null)
                {
                    continue;
                }

                state.step += 1;
                param.mul_(decay);
                double biasCorrection1 = 1 - Math.Pow(beta1, state.step);
                double biasCorrection2 = 1 - Math.Pow(beta2, state.step);
                state.exp_avg.mul_(keep1).add_(grad, alpha: take1);
                state.exp_avg_sq.mul_(keep2).addcmul_(grad, grad, value: take2);
                using var root = Math.Sqrt(biasCorrection2).ToScalar();
                using var stepSize = (-(lr / biasCorrection1)).ToScalar();
                using var sqrt = state.exp_avg_sq.sqrt();
                using var denominator = sqrt.div(root).add_(epsilon);
                param.addcdiv_(state.exp_avg, denominator, value: stepSize);
            }
        },
        closure);
}
