using Microsoft.ML;

namespace Hpo.Workloads.MlNet;

/// <summary>
/// An ML.NET trainer that continues from its previous model (see <see cref="MlNetLearners"/>): how one epoch is fitted,
/// and which part of a fitted transformer the next epoch's warm start takes.
/// </summary>
/// <typeparam name="TModel">The model parameters the trainer's warm-start <c>Fit</c> overload takes.</typeparam>
/// <param name="Fit">Fits one epoch on the training view with the epoch's context, from the previous model (null for the first epoch).</param>
/// <param name="WarmStartOf">
/// The model parameters of a transformer <see cref="Fit"/> returned, or the same transformer saved with
/// <c>MLContext.Model.Save</c> and loaded back (ML.NET restores the prediction transformer's exact type).
/// </param>
internal sealed record MlNetWarmStartLearner<TModel>(Func<MLContext, IDataView, TModel?, ITransformer> Fit, Func<ITransformer, TModel> WarmStartOf)
    where TModel : class;
