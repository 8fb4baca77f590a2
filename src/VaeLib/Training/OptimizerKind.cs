namespace VaeLib.Training;

/// <summary>The optimizer a <see cref="Trainer"/> uses.</summary>
public enum OptimizerKind
{
    /// <summary>Adam (Kingma and Ba 2015) with β₁ = 0.9, β₂ = 0.999.</summary>
    Adam,

    /// <summary>RMSprop with α = 0.99.</summary>
    RmsProp,
}
