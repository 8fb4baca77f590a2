namespace VaeLib.Cli;

/// <summary>Turns the library's refusal of a value into a usage error that names the command-line option the user typed.</summary>
internal static class OptionError
{
    /// <summary>The option behind each library property that <c>vae train</c> sets.</summary>
    private static readonly Dictionary<string, string> Options = new(StringComparer.Ordinal)
    {
        ["Epochs"] = "--epochs",
        ["BatchSize"] = "--batch",
        ["LearningRate"] = "--lr",
        ["Beta"] = "--beta",
        ["CheckpointEvery"] = "--checkpoint-every",
        ["MaxGradientNorm"] = "--max-grad-norm",
        ["KlWarmupEpochs"] = "--kl-warmup",
        ["FreeBits"] = "--free-bits",
        ["SamplesPerItem"] = "--samples",
        ["HiddenSizes"] = "--hidden",
        ["LatentSize"] = "--latent",
        ["GaussianVariance"] = "--variance",
    };

    /// <summary>Builds options or an architecture; an <see cref="ArgumentException"/> becomes a <see cref="UsageException"/> naming the option.</summary>
    public static T Check<T>(Func<T> build)
    {
        try
        {
            return build();
        }
        catch (ArgumentException exception)
        {
            string message = exception.ParamName is null ? exception.Message : exception.Message.Replace($" (Parameter '{exception.ParamName}')", string.Empty, StringComparison.Ordinal);
            throw new UsageException(exception.ParamName is not null && Options.TryGetValue(exception.ParamName, out string? option) ? $"{option}: {message}" : message);
        }
    }
}
