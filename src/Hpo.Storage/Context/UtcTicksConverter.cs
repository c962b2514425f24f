using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Hpo.Storage.Context;

/// <summary>Stores a <see cref="DateTimeOffset"/> as its UTC ticks (SQLite).</summary>
internal sealed class UtcTicksConverter : ValueConverter<DateTimeOffset, long>
{
    public UtcTicksConverter()
        : base(value => value.UtcTicks, ticks => new DateTimeOffset(ticks, TimeSpan.Zero))
    {
    }
}
