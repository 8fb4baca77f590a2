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
    private readonly Scalar beta2;
    private readonly Scalar oneMinusBeta2;
    private readonly Tensor oneMinusBeta1Weight;
    private readonly double epsilonValue;
    private readonly double beta1Value;
    private readonly double beta2Value;
    private readonly double learningRate;

    public ScalarFreeAdam(IEnumerable<Parameter> parameters, double learningRate)
        : base(parameters, learningRate)
    {
        var options = (Options)_defaults;
        beta1Value = options.beta1!.Value;
        beta2Value = options.beta2!.Value;
        this.learningRate = learningRate;
        beta2 = beta2Value.ToScalar();
        oneMinusBeta2 = (1 - beta2Value).ToScalar();
        epsilonValue = options.eps!.Value;
        oneMinusBeta1Weight = tensor(1 - beta1Value).DetachFromDisposeScope();
    }

    public override void zero_grad() => Gradients.Zero(parameters());

    public override Tensor step(Func<Tensor>? closure = null) => Gradients.Step(closure, "Adam", parameters(), (parameter, gradient) =>
    {
        var state = (State)_state[parameter.Handle];
        state.step += 1;
        double biasCorrection1 = 1 - Math.Pow(beta1Value, state.step);
        double biasCorrection2 = 1 - Math.Pow(beta2Value, state.step);
        state.exp_avg.lerp_(gradient, oneMinusBeta1Weight);
        state.exp_avg_sq.mul_(beta2).addcmul_(gradient, gradient, oneMinusBeta2);

        // m / (√v / √c₂ + ε) = √c₂ · m / (√v + ε√c₂): the same update in six passes over the parameter instead
        // of nine (the step is memory-bound: about 40% of a Fashion-MNIST minibatch with the stock form).
        double rootCorrection2 = Math.Sqrt(biasCorrection2);
        using Scalar scaledEpsilon = (epsilonValue * rootCorrection2).ToScalar();
        using Scalar stepSize = (-learningRate * rootCorrection2 / biasCorrection1).ToScalar();
        using Tensor denominator = state.exp_avg_sq.sqrt().add_(scaledEpsilon, Runtime.Scalars.One);
        parameter.addcdiv_(state.exp_avg, denominator, stepSize);
    });

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            beta2.Dispose();
            oneMinusBeta2.Dispose();
            oneMinusBeta1Weight.Dispose();
        }
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
