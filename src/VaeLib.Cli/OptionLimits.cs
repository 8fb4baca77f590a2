using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using VaeLib.Onnx;

namespace VaeLib.Cli;

/// <summary>
/// The accepted range of every numeric option of every command, checked while the command line is parsed, so a bad
/// value exits 2 naming the option as typed before any data or model is read. A numeric option without an entry
/// here is a programming error that <see cref="Apply"/> reports, so a new option cannot slip through unchecked.
/// </summary>
/// <remarks>
/// Counts that size a tensor (<c>--n</c>, <c>--steps</c>, <c>--batch</c>, <c>--samples</c>…) have an upper bound;
/// model sizes (<c>--hidden</c>, <c>--latent</c>) are bounded by the parameter count (<c>--max-parameters</c>) once
/// the data's item shape is known. docs/cli.md lists the same limits.
/// </remarks>
internal static class OptionLimits
{
    /// <summary>The most items one picture or impute run shows (<c>--n</c>).</summary>
    public const int MaxItems = 4096;

    /// <summary>The most frames per path or per dimension (<c>--steps</c> of interpolate and traverse).</summary>
    public const int MaxSteps = 1000;

    // Keyed by "command --option" where the meaning differs between commands, else by "--option".
    private static readonly Dictionary<string, Limit> Limits = new(StringComparer.Ordinal)
    {
        ["--seed"] = Limit.AnyInteger,
        ["--max-parameters"] = Limit.Between(1, long.MaxValue),
        ["train --hidden"] = Limit.Between(1, int.MaxValue),
        ["train --latent"] = Limit.Between(1, int.MaxValue),
        ["train --epochs"] = Limit.Between(1, 1_000_000),
        ["train --batch"] = Limit.Between(1, 65_536),
        ["train --lr"] = Limit.Positive,
        ["train --beta"] = Limit.NonNegative,
        ["train --variance"] = Limit.Positive,
        ["train --image-size"] = Limit.Between(4, 1024),
        ["train --checkpoint-every"] = Limit.Between(1, 1_000_000),
        ["train --max-grad-norm"] = Limit.Positive,
        ["train --kl-warmup"] = Limit.Between(0, 1_000_000),
        ["train --free-bits"] = Limit.NonNegative,
        ["train --weight-decay"] = Limit.NonNegative,
        ["train --samples"] = Limit.Between(1, 1000),
        ["train --max-columns"] = Limit.Between(1, 1_000_000),
        ["sample --n"] = Limit.Between(1, MaxItems),
        ["reconstruct --n"] = Limit.Between(1, MaxItems),
        ["impute --n"] = Limit.Between(1, MaxItems),
        ["impute --iterations"] = Limit.Between(2, 100_000),
        ["interpolate --from"] = Limit.Between(0, int.MaxValue),
        ["interpolate --to"] = Limit.Between(0, int.MaxValue),
        ["interpolate --steps"] = Limit.Between(2, MaxSteps),
        ["traverse --from"] = Limit.Between(0, int.MaxValue),
        ["traverse --steps"] = Limit.Between(2, MaxSteps),
        ["traverse --dims"] = Limit.Between(1, MaxSteps),
        ["traverse --range"] = Limit.Positive,
        ["anomaly --samples"] = Limit.Between(1, 100_000),
        ["eval --iwae-samples"] = Limit.Between(1, 1_000_000),
        ["eval --items"] = Limit.Between(1, int.MaxValue),
        ["explore --port"] = Limit.Between(0, 65_535),
        ["export --opset"] = Limit.Between(OnnxExportOptions.MinimumOpset, OnnxExportOptions.MaximumOpset),
    };

    /// <summary>Adds the range check to every numeric option of the command and its subcommands.</summary>
    /// <exception cref="InvalidOperationException">A numeric option has no entry in the table.</exception>
    public static void Apply(Command command)
    {
        foreach (Option option in command.Options)
        {
            if (IsNumeric(option.ValueType))
            {
                Limit limit = Find(command.Name, option.Name)
                    ?? throw new InvalidOperationException($"vae {command.Name} {option.Name} is numeric but OptionLimits has no range for it.");
                string name = option.Name;
                option.Validators.Add(result =>
                {
                    if (!result.Implicit && Problem(name, limit, ValueOf(result)) is { } message)
                    {
                        result.AddError(message);
                    }
                });
            }
        }

        foreach (Command subcommand in command.Subcommands)
        {
            Apply(subcommand);
        }
    }

    /// <summary>What is wrong with a value of an option (e.g. one read back from a run's options.json), or null when it is in range.</summary>
    public static string? Problem(string command, string option, object? value) =>
        Find(command, option) is { } limit ? Problem(option, limit, value) : null;

    private static Limit? Find(string command, string option) =>
        Limits.GetValueOrDefault($"{command} {option}") ?? Limits.GetValueOrDefault(option);

    private static string? Problem(string option, Limit limit, object? value)
    {
        IEnumerable<double> values = value switch
        {
            null => [],
            int number => [number],
            long number => [number],
            double number => [number],
            IEnumerable<int> numbers => numbers.Select(number => (double)number),
            _ => throw new InvalidOperationException($"{option}: OptionLimits cannot check a {value.GetType().Name}."),
        };
        foreach (double number in values)
        {
            if (!limit.Accepts(number))
            {
                return string.Create(CultureInfo.InvariantCulture, $"{option} must be {limit.Text}; found {number}.");
            }
        }

        return null;
    }

    /// <summary>The parsed value, or null when the text is not a number (the parser reports that itself).</summary>
    private static object? ValueOf(OptionResult result)
    {
        try
        {
            return result.GetValueOrDefault<object?>();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static bool IsNumeric(Type type)
    {
        Type element = type.IsArray ? type.GetElementType()! : Nullable.GetUnderlyingType(type) ?? type;
        return element == typeof(int) || element == typeof(long) || element == typeof(double);
    }

    /// <summary>A range and how the message states it.</summary>
    private sealed record Limit(string Text, Func<double, bool> Accepts)
    {
        public static Limit AnyInteger { get; } = new("an integer", _ => true);

        public static Limit Positive { get; } = new("a positive finite number", value => value > 0 && double.IsFinite(value));

        public static Limit NonNegative { get; } = new("a finite number ≥ 0", value => value >= 0 && double.IsFinite(value));

        public static Limit Between(long minimum, long maximum) => new(
            maximum == long.MaxValue || maximum == int.MaxValue
                ? string.Create(CultureInfo.InvariantCulture, $"at least {minimum}")
                : string.Create(CultureInfo.InvariantCulture, $"between {minimum} and {maximum}"),
            value => value >= minimum && value <= maximum);
    }
}
