using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hpo.Workloads.Digits;

/// <summary>
/// A multilayer perceptron whose randomness (initial weights, dropout masks) all comes from one
/// generator owned by the run, so a seed fixes the whole curve even while other trials use torch's global RNG.
/// </summary>
internal sealed class MlpNetwork : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> _hidden;
    private readonly Linear _output;
    private readonly double _dropout;
    private readonly bool _tanh;
    private readonly Generator _generator;

    public MlpNetwork(int inputs, int classes, int width, int depth, double dropout, bool tanh, Generator generator)
        : base(nameof(MlpNetwork))
    {
        _generator = generator;
        _dropout = dropout;
        _tanh = tanh;
        _hidden = new ModuleList<Linear>();
        int fanIn = inputs;
        for (int i = 0; i < depth; i++)
        {
            _hidden.Add(CreateLinear(fanIn, width, generator));
            fanIn = width;
        }

        _output = CreateLinear(fanIn, classes, generator);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        Tensor x = input;
        foreach (var layer in _hidden)
        {
            x = _tanh ? layer.call(x).tanh() : nn.functional.relu(layer.call(x));
            if (training && _dropout > 0)
            {
                // Inverted dropout drawn from the run's generator (nn.Dropout would use the global RNG).
                var keep = rand(x.shape, dtype: x.dtype, generator: _generator).ge_(_dropout);
                x = x.mul(keep).div_(1 - _dropout);
            }
        }

        return _output.call(x);
    }

    private static Linear CreateLinear(int inputs, int outputs, Generator generator)
    {
        var linear = nn.Linear(inputs, outputs);

        // PyTorch's default Linear initialisation (kaiming_uniform with a = sqrt(5), i.e. U(±1/sqrt(fan_in))
        // for weights and biases), redrawn from the run's generator.
        double bound = 1 / Math.Sqrt(inputs);
        using (no_grad())
        {
            linear.weight!.uniform_(-bound, bound, generator);
            linear.bias!.uniform_(-bound, bound, generator);
        }

        return linear;
    }
}
