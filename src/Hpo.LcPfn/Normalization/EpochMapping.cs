using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;

namespace Hpo.LcPfn.Normalization;

/// <summary>
/// Maps a curve of <see cref="TotalEpochs"/> epochs onto the model's <see cref="ModelEpochs"/> (100 for the
/// standard prior). The model never sees curves longer than its range, so a longer curve is compressed in
/// time: model epoch k (1..ModelEpochs) stands for user epoch u(k) = round(k · TotalEpochs / ModelEpochs);
/// the observed model curve is the user curve sampled at u(1), u(2), … (only those already observed), and a
/// user query epoch e is asked as model epoch round(e · ModelEpochs / TotalEpochs) (at least 1). Curves no
/// longer than the model's range map one to one. This is the spec's "rescale x" (§5).
/// </summary>
public sealed class EpochMapping
{
    /// <summary>Creates the mapping.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An epoch count is below 1.</exception>
    public EpochMapping(int totalEpochs, int modelEpochs = 100)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalEpochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(modelEpochs, 1);
        TotalEpochs = totalEpochs;
        ModelEpochs = modelEpochs;
    }

    /// <summary>The user curve's full length (its final epoch).</summary>
    public int TotalEpochs { get; }

    /// <summary>The model's curve length.</summary>
    public int ModelEpochs { get; }

    /// <summary>True when the curve fits the model unchanged.</summary>
    public bool IsIdentity => TotalEpochs <= ModelEpochs;

    /// <summary>The user epoch that model epoch <paramref name="modelEpoch"/> stands for.</summary>
    public int UserEpoch(int modelEpoch)
    {
        if (modelEpoch < 1 || modelEpoch > ModelEpochs)
        {
            throw new ArgumentOutOfRangeException(nameof(modelEpoch), modelEpoch, $"Model epochs are 1..{ModelEpochs}.");
        }

        return IsIdentity ? modelEpoch : Math.Max(1, (int)Math.Round((double)modelEpoch * TotalEpochs / ModelEpochs, MidpointRounding.AwayFromZero));
    }

    /// <summary>The model epoch to ask for user epoch <paramref name="userEpoch"/>.</summary>
    public int ModelEpoch(int userEpoch)
    {
        if (userEpoch < 1 || userEpoch > TotalEpochs)
        {
            throw new ArgumentOutOfRangeException(nameof(userEpoch), userEpoch, $"Epoch {userEpoch} is outside the curve's 1..{TotalEpochs}.");
        }

        return IsIdentity ? userEpoch : Math.Clamp((int)Math.Round((double)userEpoch * ModelEpochs / TotalEpochs, MidpointRounding.AwayFromZero), 1, ModelEpochs);
    }

    /// <summary>
    /// The model-space query for an observed user prefix (values at user epochs 1..n, already normalised)
    /// and user query epochs.
    /// </summary>
    /// <exception cref="ArgumentException">Too few epochs observed to give the model its first point, or a query epoch out of range.</exception>
    public CurveQuery ToModelQuery(IReadOnlyList<double> observed, IEnumerable<int> userQueryEpochs)
    {
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(userQueryEpochs);
        if (observed.Count > TotalEpochs)
        {
            throw new ArgumentException($"{observed.Count} observed epochs exceed the curve's declared length of {TotalEpochs}.", nameof(observed));
        }

        var sampled = new List<double>();
        for (int k = 1; k <= ModelEpochs; k++)
        {
            int u = UserEpoch(k);
            if (u > observed.Count)
            {
                break;
            }

            sampled.Add(observed[u - 1]);
        }

        if (sampled.Count == 0)
        {
            throw new ArgumentException($"The model's first epoch stands for epoch {UserEpoch(1)} of this {TotalEpochs}-epoch curve, but only {observed.Count} are observed.", nameof(observed));
        }

        return new CurveQuery(sampled, userQueryEpochs.Select(ModelEpoch).ToArray());
    }
}
