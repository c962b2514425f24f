namespace Hpo.LcPfn.Evaluation;

/// <summary>Progress of an evaluation: curve-cut-off pairs done out of the total.</summary>
/// <param name="Done">Curve × cut-off pairs evaluated so far.</param>
/// <param name="Total">Curve × cut-off pairs in all.</param>
/// <param name="Cutoff">The cut-off being evaluated.</param>
public sealed record EvaluationProgress(long Done, long Total, int Cutoff);
