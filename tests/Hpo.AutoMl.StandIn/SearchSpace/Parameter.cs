// Compile-time stand-in for Microsoft.ML.AutoML, which our package feed does not serve: it declares the
// public members that examples/automl/*.cs uses, with their real names and signatures, so that a signature
// mistake in the example breaks the build. Test-only: never shipped or packed. Bodies are minimal, not AutoML's.

using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.ML.SearchSpace;

/// <summary>
/// A configuration: a number, string or boolean, or named parameters (a trial's parameters nested under each
/// search space's key). Serialises to the matching JSON.
/// </summary>
[JsonConverter(typeof(ParameterJsonConverter))]
public sealed class Parameter : IDictionary<string, Parameter>
{
    private readonly Dictionary<string, Parameter> _nested;
    private readonly object _value;

    private Parameter(object value, Dictionary<string, Parameter> nested)
    {
        _value = value;
        _nested = nested;
    }

    /// <inheritdoc />
    public ICollection<string> Keys => Nested.Keys;

    /// <inheritdoc />
    public ICollection<Parameter> Values => Nested.Values;

    /// <inheritdoc />
    public int Count => Nested.Count;

    /// <inheritdoc />
    public bool IsReadOnly => false;

    private Dictionary<string, Parameter> Nested => _nested ?? throw new ArgumentException("This parameter holds a value, not named parameters.");

    /// <inheritdoc />
    public Parameter this[string key]
    {
        get => Nested[key];
        set => Nested[key] = value;
    }

    /// <summary>A number.</summary>
    public static Parameter FromDouble(double value) => new(value, null);

    /// <summary>An integer.</summary>
    public static Parameter FromLong(long value) => new(value, null);

    /// <summary>A string.</summary>
    public static Parameter FromString(string value) => new(value, null);

    /// <summary>A boolean.</summary>
    public static Parameter FromBool(bool value) => new(value, null);

    /// <summary>Named parameters.</summary>
    public static Parameter CreateNestedParameter(params KeyValuePair<string, Parameter>[] parameters) =>
        new(null, new Dictionary<string, Parameter>(parameters, StringComparer.Ordinal));

    /// <inheritdoc />
    public void Add(string key, Parameter value) => Nested.Add(key, value);

    /// <inheritdoc />
    public void Add(KeyValuePair<string, Parameter> item) => Nested.Add(item.Key, item.Value);

    /// <inheritdoc />
    public void Clear() => Nested.Clear();

    /// <inheritdoc />
    public bool Contains(KeyValuePair<string, Parameter> item) => ((ICollection<KeyValuePair<string, Parameter>>)Nested).Contains(item);

    /// <inheritdoc />
    public bool ContainsKey(string key) => Nested.ContainsKey(key);

    /// <inheritdoc />
    public void CopyTo(KeyValuePair<string, Parameter>[] array, int arrayIndex) => ((ICollection<KeyValuePair<string, Parameter>>)Nested).CopyTo(array, arrayIndex);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, Parameter>> GetEnumerator() => Nested.GetEnumerator();

    /// <inheritdoc />
    public bool Remove(string key) => Nested.Remove(key);

    /// <inheritdoc />
    public bool Remove(KeyValuePair<string, Parameter> item) => ((ICollection<KeyValuePair<string, Parameter>>)Nested).Remove(item);

    /// <inheritdoc />
    public bool TryGetValue(string key, out Parameter value) => Nested.TryGetValue(key, out value);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private sealed class ParameterJsonConverter : JsonConverter<Parameter>
    {
        public override Parameter Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("The stand-in only writes parameters.");

        public override void Write(Utf8JsonWriter writer, Parameter value, JsonSerializerOptions options)
        {
            switch (value._value)
            {
                case null:
                    writer.WriteStartObject();
                    foreach (var (name, child) in value._nested)
                    {
                        writer.WritePropertyName(name);
                        Write(writer, child, options);
                    }

                    writer.WriteEndObject();
                    break;
                case double d:
                    writer.WriteNumberValue(d);
                    break;
                case long l:
                    writer.WriteNumberValue(l);
                    break;
                case string s:
                    writer.WriteStringValue(s);
                    break;
                case bool b:
                    writer.WriteBooleanValue(b);
                    break;
            }
        }
    }
}
