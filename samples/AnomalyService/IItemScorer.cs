namespace AnomalyService;

/// <summary>What the service needs from a scoring engine.</summary>
internal interface IItemScorer : IDisposable
{
    /// <summary>Values per item.</summary>
    long ItemSize { get; }

    /// <summary>What an item's values are, e.g. <c>pixel values 0-255</c>.</summary>
    string InputUnits { get; }

    /// <summary>The interval every value must lie in; null when the model defines none (only finite values are required).</summary>
    InputRange? Range { get; }

    /// <summary>What is loaded, for the start-up line.</summary>
    string Description { get; }

    /// <summary>Scores items of <see cref="ItemSize"/> raw values each.</summary>
    /// <exception cref="ArgumentException">An item has the wrong length or a NaN or infinite value; the message names it.</exception>
    ScoreResponse Score(float[][] items);
}
