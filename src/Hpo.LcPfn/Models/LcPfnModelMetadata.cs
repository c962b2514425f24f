namespace Hpo.LcPfn.Models;

/// <summary>How a model file's network was trained (stored in the file next to the weights).</summary>
public sealed record LcPfnModelMetadata
{
    /// <summary>Training curves the network has seen (steps × batch size).</summary>
    public long CurvesSeen { get; init; }

    /// <summary>Optimizer steps taken.</summary>
    public long Steps { get; init; }

    /// <summary>Total steps the training schedule was planned for.</summary>
    public long PlannedSteps { get; init; }

    /// <summary>The training seed (prior curves, cut-offs, initialisation and dropout all derive from it).</summary>
    public ulong Seed { get; init; }

    /// <summary>When the file was written (UTC).</summary>
    public DateTimeOffset CreatedUtc { get; init; }

    /// <summary>The Hpo.LcPfn version that wrote the file.</summary>
    public string CodeVersion { get; init; } = "";

    /// <summary>Dropout used while training.</summary>
    public double Dropout { get; init; }

    /// <summary>Number of prior curves whose values defined the bucket borders.</summary>
    public int BorderCurves { get; init; }

    /// <summary>The prior the network was trained on (for humans; empty in files that predate it).</summary>
    public string Prior { get; init; } = "";

    /// <summary>Free-form description of the training recipe (for humans).</summary>
    public string Recipe { get; init; } = "";

    /// <summary>The code version of this library, as stored in new files.</summary>
    public static string CurrentCodeVersion =>
        typeof(LcPfnModelMetadata).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion
        ?? typeof(LcPfnModelMetadata).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
