using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VaeLib.Training;

/// <summary>
/// TorchSharp's Adam with a step that leaves nothing for the .NET finalizer: the stock step converts its
/// coefficients to native <see cref="Scalar"/>s implicitly (seven per parameter per step), and those are freed only
/// by the finalizer, which fragments the C heap (see <see cref="Runtime.Scalars"/>). Here constant coefficients are
/// made once and per-step ones are disposed at once. The update is the stock one, m ← β₁m + (1−β₁)g,
/// v ← β₂v + (1−β₂)g², θ ← θ − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε), written in six passes over each parameter
/// instead of nine, because the step is memory-bound. The state objects are the stock ones, so saved optimizer states
/// keep their format.
/// </summary>
internal sealed class ScalarFreeAdam : Adam
{
    private readonly AdamUpdate update;

    public ScalarFreeAdam(IEnumerable<Parameter> parameters, double learningRate)
        : base(parameters, learningRate)
    {
        var options = (Options)_defaults;
        update = new AdamUpdate(learningRate, options.beta1!.Value, options.beta2!.Value, options.eps!.Value);
    }

    public override void zero_grad() => Gradients.Zero(parameters());

    public override Tensor step(Func<Tensor>? closure = null) => Gradients.Step(closure, "Adam", parameters(), (parameter, gradient) =>
    {
        var state = (State)_state[parameter.Handle];
        state.step += 1;
        update.Apply(parameter, gradient, state.exp_avg, state.exp_avg_sq, state.step);
    });

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            update.Dispose();
        }
    }
}

/// <summary>
/// TorchSharp's AdamW (decoupled weight decay, Loshchilov and Hutter 2019) with a step that leaves nothing for the
/// .NET finalizer, for the reason given on <see cref="ScalarFreeAdam"/>. As in PyTorch's <c>torch.optim.AdamW</c>,
/// each step first decays the weights, θ ← θ · (1 − lr·λ), then makes <see cref="ScalarFreeAdam"/>'s update with the
/// gradient alone: λ never enters m or v, unlike Adam with an L2 term λθ added to the gradient. The state objects are
/// the stock AdamW ones, so saved optimizer states keep their format.
/// </summary>
internal sealed class ScalarFreeAdamW : AdamW
{
    private readonly AdamUpdate update;
    private readonly Scalar? decay;

    public ScalarFreeAdamW(IEnumerable<Parameter> parameters, double learningRate, double weightDecay)
        : base(parameters, learningRate, weight_decay: weightDecay)
    {
        var options = (Options)_defaults;
        update = new AdamUpdate(learningRate, options.beta1!.Value, options.beta2!.Value, options.eps!.Value);

        // λ = 0 is Adam: no pass over the parameters to multiply them by 1.
        decay = weightDecay > 0 ? (1 - (learningRate * weightDecay)).ToScalar() : null;
    }

    public override void zero_grad() => Gradients.Zero(parameters());

    public override Tensor step(Func<Tensor>? closure = null) => Gradients.Step(closure, "AdamW", parameters(), (parameter, gradient) =>
    {
        var state = (State)_state[parameter.Handle];
        state.step += 1;
        if (decay is not null)
        {
            parameter.mul_(decay);
        }

        update.Apply(parameter, gradient, state.exp_avg, state.exp_avg_sq, state.step);
    });

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            update.Dispose();
            decay?.Dispose();
        }
    }
}

/// <summary>
/// The Adam update of one parameter, shared by <see cref="ScalarFreeAdam"/> and <see cref="ScalarFreeAdamW"/>:
/// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε), in six passes over the
/// parameter. Its constant coefficients are made once; the per-step ones are disposed at once.
/// </summary>
internal sealed class AdamUpdate : IDisposable
{
    private readonly Scalar beta2;
    private readonly Scalar oneMinusBeta2;
    private readonly Tensor oneMinusBeta1Weight;
    private readonly double epsilonValue;
    private readonly double beta1Value;
    private readonly double beta2Value;
    private readonly double learningRate;

    public AdamUpdate(double learningRate, double beta1, double beta2, double epsilon)
    {
        beta1Value = beta1;
        beta2Value = beta2;
        this.learningRate = learningRate;
        this.beta2 = beta2.ToScalar();
        oneMinusBeta2 = (1 - beta2).ToScalar();
        epsilonValue = epsilon;
        oneMinusBeta1Weight = tensor(1 - beta1).DetachFromDisposeScope();
    }

    /// <summary>Updates the moments and the parameter for step <paramref name="step"/> (counted from 1).</summary>
    public void Apply(Parameter parameter, Tensor gradient, Tensor firstMoment, Tensor secondMoment, long step)
    {
        double biasCorrection1 = 1 - Math.Pow(beta1Value, step);
        double biasCorrection2 = 1 - Math.Pow(beta2Value, step);
        firstMoment.lerp_(gradient, oneMinusBeta1Weight);
        secondMoment.mul_(beta2).addcmul_(gradient, gradient, oneMinusBeta2);

        // m / (√v / √c₂ + ε) = √c₂ · m / (√v + ε√c₂): the same update in six passes over the parameter instead
        // of nine (the step is memory-bound: about 40% of a Fashion-MNIST minibatch with the stock form).
        double rootCorrection2 = Math.Sqrt(biasCorrection2);
        using Scalar scaledEpsilon = (epsilonValue * rootCorrection2).ToScalar();
        using Scalar stepSize = (-learningRate * rootCorrection2 / biasCorrection1).ToScalar();
        using Tensor denominator = secondMoment.sqrt().add_(scaledEpsilon, Runtime.Scalars.One);
        parameter.addcdiv_(firstMoment, denominator, stepSize);
    }

    public void Dispose()
    {
        beta2.Dispose();
        oneMinusBeta2.Dispose();
        oneMinusBeta1Weight.Dispose();
    }
}

/// <summary>
/// TorchSharp's RMSprop (no momentum, not centred) with a step that leaves nothing for the .NET finalizer, for the
/// reason given on <see cref="ScalarFreeAdam"/>: s ← αs + (1−α)g², θ ← θ − lr · g / (√s + ε).
/// </summary>
internal sealed class ScalarFreeRmsProp : RMSProp
{
    private readonly Scalar alpha;
    private readonly Scalar oneMinusAlpha;
    private readonly Scalar epsilon;
    private readonly Scalar negativeLearningRate;

    public ScalarFreeRmsProp(IEnumerable<Parameter> parameters, double learningRate)
        : base(parameters, learningRate)
    {
        var options = (Options)_defaults;
        alpha = options.alpha!.Value.ToScalar();
        oneMinusAlpha = (1 - options.alpha.Value).ToScalar();
        epsilon = options.eps!.Value.ToScalar();
        negativeLearningRate = (-learningRate).ToScalar();
    }

    public override void zero_grad() => Gradients.Zero(parameters());

    public override Tensor step(Func<Tensor>? closure = null) => Gradients.Step(closure, "RMSprop", parameters(), (parameter, gradient) =>
    {
        var state = (State)_state[parameter.Handle];
        state.step += 1;
        state.square_avg.mul_(alpha).addcmul_(gradient, gradient, oneMinusAlpha);
        using Tensor denominator = state.square_avg.sqrt().add_(epsilon, Runtime.Scalars.One);
        parameter.addcdiv_(gradient, denominator, negativeLearningRate);
    });

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            foreach (Scalar scalar in new[] { alpha, oneMinusAlpha, epsilon, negativeLearningRate })
            {
                scalar.Dispose();
            }
        }
    }
}

/// <summary>Gradient helpers that leave nothing for the finalizer.</summary>
internal static class Gradients
{
    /// <summary>
    /// Runs an optimizer's update for every parameter that has a gradient, without gradient recording; the
    /// gradient's wrapper is disposed after the update.
    /// </summary>
    /// <returns>Null: the trainer's optimizers take no closure, so there is no loss to return.</returns>
    public static Tensor Step(Func<Tensor>? closure, string optimizer, IEnumerable<Parameter> parameters, Action<Parameter, Tensor> update)
    {
        if (closure is not null)
        {
            throw new NotSupportedException($"The trainer's {optimizer} takes no closure.");
        }

        using var noGrad = no_grad();
        foreach (Parameter parameter in parameters)
        {
            using Tensor? gradient = parameter.grad;
            if (gradient is not null)
            {
                update(parameter, gradient);
            }
        }

        return null!;
    }

    /// <summary>
    /// Sets every gradient to zero in place. TorchSharp's <c>zero_()</c> reads the tensor's shape, which leaves a
    /// native thunk for the finalizer (see <see cref="Shapes.Of"/>); <c>fill_</c> with a constant does not.
    /// </summary>
    public static void Zero(IEnumerable<Parameter> parameters)
    {
        foreach (Parameter parameter in parameters)
        {
            using Tensor? gradient = parameter.grad;
            gradient?.fill_(Runtime.Scalars.Zero);
        }
    }
}
