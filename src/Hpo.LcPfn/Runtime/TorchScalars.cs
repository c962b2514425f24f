using TorchSharp;

namespace Hpo.LcPfn.Runtime;

/// <summary>
/// Scalars that live for the whole process, for the tensor arithmetic on hot paths.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's <see cref="Scalar"/> has a finalizer and is not tracked by dispose scopes, and
/// several of its methods make one internally and pass only its native handle on: <c>a + b</c> is
/// <c>a.add(b, 1)</c>, whose temporary alpha a GC may finalize on the finalizer thread while libtorch is
/// still reading it. A long LCBench benchmark (millions of forward passes, gigabytes of managed caches,
/// hence frequent GCs) crashed twice that way ("Scalar.h: toDouble/toFloat, Expected false to be
/// true"). Passing a Scalar that a static field keeps reachable closes the window; values that vary
/// are created with <c>using</c> at the call site, which keeps them alive to the end of the block.
/// </remarks>
internal static class TorchScalars
{
    /// <summary>0.</summary>
    public static readonly Scalar Zero = 0.0.ToScalar();

    /// <summary>1, also the alpha of an unscaled <c>add</c>.</summary>
    public static readonly Scalar One = 1.0.ToScalar();

    /// <summary>0 as an integer, for index tensors.</summary>
    public static readonly Scalar ZeroIndex = 0L.ToScalar();

    /// <summary>1 as an integer, for index tensors.</summary>
    public static readonly Scalar OneIndex = 1L.ToScalar();

    /// <summary>0.5.</summary>
    public static readonly Scalar Half = 0.5.ToScalar();

    /// <summary>−∞, the additive mask of a hidden attention key.</summary>
    public static readonly Scalar MinusInfinity = double.NegativeInfinity.ToScalar();
}
