using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using Hpo.Scheduler.Stopping.LcPfn;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hpo.LcPfn.DependencyInjection;

/// <summary>Plugs the LC-PFN into the scheduler.</summary>
public static class HpoLcPfnServiceCollectionExtensions
{
    /// <summary>
    /// Registers the LC-PFN model file at <paramref name="modelPath"/> as the <see cref="ICurvePredictor"/> (loaded on
    /// first use), which the scheduler's <c>lcpfn</c> stopping policy decides with, and its
    /// <see cref="ModelFingerprint"/>, which fleet workers record with every LC-PFN decision and bind each experiment
    /// to; plus <see cref="AddHpoLcPfn(IServiceCollection)"/>. Call before anything is resolved.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="modelPath"/>.</exception>
    public static IServiceCollection AddHpoLcPfn(this IServiceCollection services, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(services);
        var fingerprint = ModelFingerprint.Of(modelPath);
        services.AddSingleton(fingerprint);
        services.AddSingleton<ICurvePredictor>(_ => LcPfnPredictor.Load(fingerprint.Path));
        return services.AddHpoLcPfn();
    }

    /// <summary>
    /// Registers <see cref="LcPfnPredictorLoader"/> as the <see cref="ICurvePredictorLoader"/>, with which parts that
    /// take a model path at run time (the dashboard's forecasts) load the LC-PFN.
    /// </summary>
    public static IServiceCollection AddHpoLcPfn(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ICurvePredictorLoader, LcPfnPredictorLoader>();
        return services;
    }
}
