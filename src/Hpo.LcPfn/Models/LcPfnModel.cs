using System.Text.Json;
using Hpo.LcPfn.Distribution;
using Hpo.LcPfn.Model;
using Hpo.LcPfn.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Hpo.LcPfn.Models;

/// <summary>
/// A trained (or training) LC-PFN: the network, its bucket borders and its metadata, as stored in one
/// <c>.lcpfn</c> file (see <see cref="Save(string, IReadOnlyDictionary{string, byte[]})"/> for the format). Owns the network; dispose it when done.
/// </summary>
public sealed class LcPfnModel : IDisposable
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };

    /// <summary>Wraps a network with its borders and metadata.</summary>
    /// <exception cref="ArgumentException">The number of buckets of the borders and the network differ.</exception>
    public LcPfnModel(LcPfnTransformer network, BarDistribution distribution, LcPfnModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(distribution);
        ArgumentNullException.ThrowIfNull(metadata);
        if (distribution.BucketCount != network.Architecture.Buckets)
        {
            throw new ArgumentException($"The network has {network.Architecture.Buckets} output buckets but the borders define {distribution.BucketCount}.", nameof(distribution));
        }

        Network = network;
        Distribution = distribution;
        Metadata = metadata;
    }

    /// <summary>The network.</summary>
    public LcPfnTransformer Network { get; }

    /// <summary>The output distribution (bucket borders and tails).</summary>
    public BarDistribution Distribution { get; }

    /// <summary>The network size.</summary>
    public LcPfnArchitecture Architecture => Network.Architecture;

    /// <summary>How the network was trained.</summary>
    public LcPfnModelMetadata Metadata { get; set; }

    /// <summary>
    /// Writes the model atomically (temporary file, then rename): magic <c>HPOLCPFN</c>, format version,
    /// a JSON header with architecture and metadata, the float64 bucket borders, every network tensor
    /// (float32) by name, optional <paramref name="sections"/>, and a SHA-256 checksum.
    /// </summary>
    public void Save(string path, IReadOnlyDictionary<string, byte[]>? sections = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ModelFileFormat.WriteAtomically(path, ToContents(sections));
    }

    /// <summary>Writes the model to a stream (same format as <see cref="Save(string, IReadOnlyDictionary{string, byte[]})"/>).</summary>
    public void Save(Stream stream, IReadOnlyDictionary<string, byte[]>? sections = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ModelFileFormat.Write(stream, ToContents(sections));
    }

    /// <summary>Loads a model file onto the CPU.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="LcPfnModelFormatException">The file is not a model, has another format version, is truncated or corrupted.</exception>
    public static LcPfnModel Load(string path) => Load(path, out _);

    /// <summary>Loads a model file and returns its extra sections (e.g. a checkpoint's training state).</summary>
    public static LcPfnModel Load(string path, out IReadOnlyDictionary<string, byte[]> sections)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var contents = ModelFileFormat.Read(path);
        sections = contents.Sections;
        return FromContents(contents, path);
    }

    /// <summary>
    /// A copy of this model whose weight matrices (every two-dimensional tensor: the encoders, the attention and
    /// feed-forward projections, the head) are rounded to bfloat16, the precision <see cref="Inference.LcPfnPredictor"/>
    /// answers with; biases and layer norms are kept. The copy owns its network; dispose it.
    /// </summary>
    /// <remarks>See <see cref="Inference.Bfloat16"/> for why and what it changes.</remarks>
    public LcPfnModel WithBfloat16Weights()
    {
        TorchRuntime.EnsureLoaded();
        var network = new LcPfnTransformer(Architecture, Metadata.Dropout);
        try
        {
            using var noGrad = no_grad();
            var source = Network.state_dict();
            foreach (var (name, target) in network.state_dict())
            {
                var values = source[name].detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
                if (target.dim() == 2)
                {
                    Inference.Bfloat16.Round(values);
                }

                using var rounded = tensor(values, target.shape);
                target.copy_(rounded);
            }

            network.eval();
            return new LcPfnModel(network, Distribution, Metadata);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose() => Network.Dispose();

    private ModelFileFormat.Contents ToContents(IReadOnlyDictionary<string, byte[]>? sections)
    {
        var header = new Header(Architecture, Metadata);
        var tensors = new List<(string, long[], float[])>();
        using (var scope = NewDisposeScope())
        {
            foreach (var (name, t) in Network.state_dict())
            {
                var data = t.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
                tensors.Add((name, t.shape, data));
            }
        }

        return new ModelFileFormat.Contents(
            JsonSerializer.Serialize(header, JsonOptions),
            Distribution.Borders.ToArray(),
            tensors,
            sections ?? new Dictionary<string, byte[]>());
    }

    private static LcPfnModel FromContents(ModelFileFormat.Contents contents, string source)
    {
        Header header;
        try
        {
            header = JsonSerializer.Deserialize<Header>(contents.HeaderJson, JsonOptions)
                ?? throw new LcPfnModelFormatException($"'{source}' has an empty header.");
        }
        catch (JsonException ex)
        {
            throw new LcPfnModelFormatException($"'{source}' has an unreadable header: {ex.Message}", ex);
        }

        BarDistribution distribution;
        try
        {
            header.Architecture.Validate();
            distribution = new BarDistribution(contents.Borders);
        }
        catch (ArgumentException ex)
        {
            throw new LcPfnModelFormatException($"'{source}' describes an invalid model: {ex.Message}", ex);
        }

        TorchRuntime.EnsureLoaded();
        var network = new LcPfnTransformer(header.Architecture, header.Metadata.Dropout);
        try
        {
            var state = network.state_dict();
            var stored = contents.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
            var missing = state.Keys.Where(k => !stored.ContainsKey(k)).ToList();
            var extra = stored.Keys.Where(k => !state.ContainsKey(k)).ToList();
            if (missing.Count > 0 || extra.Count > 0)
            {
                throw new LcPfnModelFormatException($"'{source}' does not match its architecture: missing tensors [{string.Join(", ", missing)}], unexpected tensors [{string.Join(", ", extra)}].");
            }

            using var noGrad = no_grad();
            foreach (var (name, target) in state)
            {
                var (_, shape, data) = stored[name];
                if (!shape.SequenceEqual(target.shape) || data.LongLength != target.numel())
                {
                    throw new LcPfnModelFormatException($"'{source}': tensor '{name}' has shape [{string.Join(", ", shape)}] but the architecture needs [{string.Join(", ", target.shape)}].");
                }

                using var source_ = tensor(data, shape);
                target.copy_(source_);
            }

            network.eval();
            return new LcPfnModel(network, distribution, header.Metadata);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    private sealed record Header(LcPfnArchitecture Architecture, LcPfnModelMetadata Metadata);
}
