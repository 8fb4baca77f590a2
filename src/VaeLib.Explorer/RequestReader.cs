using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace VaeLib.Explorer;

/// <summary>Reads a request's JSON body and query values, refusing what does not fit with a <see cref="BadRequestException"/>.</summary>
internal static class RequestReader
{
    /// <summary>Reads the body as one JSON object, at most <paramref name="limit"/> bytes.</summary>
    public static async Task<JsonElement> ReadObjectAsync(HttpRequest request, long limit)
    {
        if (request.ContentLength > limit)
        {
            throw new BadRequestException($"The request body has {request.ContentLength} bytes; the limit is {limit}.");
        }

        try
        {
            // Kestrel's MaxRequestBodySize stops a body without a length (chunked) at the same limit.
            using JsonDocument document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : throw new BadRequestException($"The body must be a JSON object; found {document.RootElement.ValueKind}.");
        }
        catch (JsonException exception)
        {
            throw new BadRequestException($"The body is not valid JSON: {exception.Message}");
        }
        catch (BadHttpRequestException exception)
        {
            throw new BadRequestException($"The request body was refused: {exception.Message} (the limit is {limit} bytes).");
        }
    }

    /// <summary>
    /// A numeric array field. JSON has no NaN or ∞ (JavaScript's JSON.stringify writes them as null), so null, a
    /// string such as "NaN" and a number too large for a double are named as not finite.
    /// </summary>
    public static double[] Vector(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out JsonElement field) || field.ValueKind != JsonValueKind.Array)
        {
            throw new BadRequestException($"The body must have an array field '{name}' of numbers.");
        }

        var values = new double[field.GetArrayLength()];
        int i = 0;
        foreach (JsonElement element in field.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out double value) || !double.IsFinite(value))
            {
                string found = element.ValueKind == JsonValueKind.Number ? element.GetRawText() : element.ValueKind == JsonValueKind.String ? $"\"{element.GetString()}\"" : element.ValueKind.ToString().ToLowerInvariant();
                throw new BadRequestException($"{name}[{i}] is {found}; every value must be a finite number (NaN and infinity are refused).");
            }

            values[i++] = value;
        }

        return values;
    }

    /// <summary>An optional integer field of the body.</summary>
    public static int Integer(JsonElement body, string name, int fallback)
    {
        if (!body.TryGetProperty(name, out JsonElement field))
        {
            return fallback;
        }

        return field.ValueKind == JsonValueKind.Number && field.TryGetInt32(out int value)
            ? value
            : throw new BadRequestException($"'{name}' must be an integer; found {field.GetRawText()}.");
    }

    /// <summary>An optional string field of the body.</summary>
    public static string Text(JsonElement body, string name, string fallback)
    {
        if (!body.TryGetProperty(name, out JsonElement field))
        {
            return fallback;
        }

        return field.ValueKind == JsonValueKind.String ? field.GetString()! : throw new BadRequestException($"'{name}' must be a string; found {field.GetRawText()}.");
    }

    /// <summary>An optional integer query value.</summary>
    public static long? QueryInteger(HttpRequest request, string name)
    {
        string? text = request.Query[name];
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new BadRequestException($"Query value '{name}' must be an integer; found '{text}'.");
    }

    /// <summary>An optional query value that must be a finite number.</summary>
    public static double? QueryNumber(HttpRequest request, string name)
    {
        string? text = request.Query[name];
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw new BadRequestException($"Query value '{name}' must be a finite number; found '{text}'.");
    }

    /// <summary>An item index from the route.</summary>
    public static long Index(string text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long index)
            ? index
            : throw new BadRequestException($"The item index must be an integer; found '{text}'.");

    /// <summary>An integer that must lie in [min, max], for a count or a seed given in the query.</summary>
    public static int InRange(long? value, int fallback, int min, int max, string name) =>
        value is not long given ? fallback
        : given >= min && given <= max ? (int)given
        : throw new BadRequestException($"'{name}' must be between {min} and {max}; found {given}.");
}
