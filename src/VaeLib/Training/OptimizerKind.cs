namespace VaeLib.Training;

/// <summary>The optimizer a <see cref="Trainer"/> uses.</summary>
public enum OptimizerKind
{
    /// <summary>Adam (Kingma and Ba 2015) with β₁ = 0.9, β₂ = 0.999.</summary>
    Adam,

    /// <summary>RMSprop with α = 0.99.</summary>
    RmsProp,

    /// <summary>
    /// AdamW (Loshchilov and Hutter 2019): Adam with decoupled weight decay λ = <see cref="TrainerOptions.WeightDecay"/>,
    /// as PyTorch's <c>torch.optim.AdamW</c> computes it. Each step first decays the weights, θ ← θ · (1 − lr·λ), then
    /// takes Adam's step on the loss's gradient g alone: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
    /// θ ← θ − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε), with β₁ = 0.9, β₂ = 0.999, ε = 1e−8. Unlike an L2 term λθ
    /// added to the gradient, the decay is not scaled down by √v. λ = 0 is Adam.
    /// </summary>
    AdamW,
}
