using System.Globalization;

namespace AnomalyService;

/// <summary>
/// The interval every value of an item must lie in, as the exported model defines it: pixel values are bytes
/// (0 to 255) whatever the likelihood; a Bernoulli model that takes its own units reads intensities in [0, 1]. Where
/// nothing defines a range (a CSV model's values in the file's units, a Gaussian model's own units) there is no
/// <see cref="InputRange"/>, and only finiteness is checked.
/// </summary>
/// <param name="Minimum">The smallest value accepted.</param>
/// <param name="Maximum">The largest value accepted.</param>
internal sealed record InputRange(float Minimum, float Maximum)
{
    /// <summary>
    /// The first value outside the range, as a message naming the item and the element; null when all fit, or when an
    /// item has the wrong length (the scorer's length check names that first).
    /// </summary>
    /// <param name="items">The request's items.</param>
    /// <param name="itemSize">Values per item.</param>
    /// <param name="units">What the values are, for the message.</param>
    public string? FirstOutside(float[][] items, long itemSize, string units)
    {
        if (items.Any(values => values is null || values.Length != itemSize))
        {
            return null;
        }

        for (int item = 0; item < items.Length; item++)
        {
            float[] values = items[item];
            for (int element = 0; element < values.Length; element++)
            {
                float value = values[element];
                if (!(value >= Minimum && value <= Maximum))
                {
                    return string.Create(
                        CultureInfo.InvariantCulture,
                        $"Item {item} holds {value} at element {element}; expected values in [{Minimum}, {Maximum}] ({units}).");
                }
            }
        }

        return null;
    }
}
