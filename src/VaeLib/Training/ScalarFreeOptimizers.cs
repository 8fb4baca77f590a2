using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VaeLib.Training;

/// <summary>
/// TorchSharp's Adam with a step that leaves nothing for the .NET finalizer: the stock step converts its
/// coefficients to native <see cref="Scalar"/>s implicitly (seven per parameter per step), and those are freed only
/// by the finalizer, which fragments the C heap (see <see cref="Runtime.Scalars"/>). Here constant coefficients are
/// made once, per-step ones are disposed at once, and each parameter's denominator buffer is reused. The state
/// objects are the stock ones, so saved optimizer states are the same format, and the update is the same
/// arithmetic: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε).
/// </summary>
internal sealed class ScalarFreeAdam : Adam
{
    private readonly ParameterBuffers denominators = new();
    private readonly Scalar beta1;
    private readonly Scalar beta2;
    private readonly Scalar oneMinusBeta1;
    private readonly Scalar oneMinusBeta2;
    private readonly Scalar epsilon;
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
        beta1 = beta1Value.ToScalar();
        beta2 = beta2Value.ToScalar();
        oneMinusBeta1 = (1 - beta1Value).ToScalar();
        oneMinusBeta2 = (1 - beta2Value).ToScalar();
        epsilon = options.eps!.Value.ToScalar();
    }

    public override void zero_grad() => Gradients.Zero(parameters());

    public override Tensor step(Func<Tensor>? closure = null)
    {
        if (closure is not null)
        {
            throw new NotSupportedException("The trainer's Adam takes no closure.");
        }

        using var noGrad = no_grad();
        foreach (Parameter parameter in parameters())
        {
            using Tensor? gradient = parameter.grad;
            if (gradient is null)
            {
                continue;
            }

            var state = (State)_state[parameter.Handle];
            state.step += 1;
            double biasCorrection1 = 1 - Math.Pow(beta1Value, state.step);
            double biasCorrection2 = 1 - Math.Pow(beta2Value, state.step);
            state.exp_avg.mul_(beta1).add_(gradient, oneMinusBeta1);
            state.exp_avg_sq.mul_(beta2).addcmul_(gradient, gradient, oneMinusBeta2);
            using Scalar rootCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
            using Scalar stepSize = (-learningRate / biasCorrection1).ToScalar();
            Tensor denominator = denominators.For(parameter);
            denominator.copy_(state.exp_avg_sq).sqrt_().div_(rootCorrection2).add_(epsilon, Runtime.Scalars.One);
            parameter.addcdiv_(state.exp_avg, denominator, stepSize);
        }

        return null!;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            denominators.Dispose();
            foreach (Scalar scalar in new[] { beta1, beta2, oneMinusBeta1, oneMinusBeta2, epsilon })
            {
                scalar.Dispose();
            }
        }
    }
}

/// <summary>
/// TorchSharp's RMSprop (no momentum, not centred) with a step that leaves nothing for the .NET finalizer, for the
/// reason given on <see cref="ScalarFreeAdam"/>: s ← αs + (1−α)g², θ ← θ − lr · g / (√s + ε).
/// </summary>
internal sealed class ScalarFreeRmsProp : RMSProp
{
    private readonly ParameterBuffers denominators = new();
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

    public override Tensor step(Func<Tensor>? closure = null)
    {
        if (closure is not null)
        {
            throw new NotSupportedException("The trainer's RMSprop takes no closure.");
        }

        using var noGrad = no_grad();
        foreach (Parameter parameter in parameters())
        {
            using Tensor? gradient = parameter.grad;
            if (gradient is null)
            {
                continue;
            }

            var state = (State)_state[parameter.Handle];
            state.step += 1;
            state.square_avg.mul_(alpha).addcmul_(gradient, gradient, oneMinusAlpha);
            Tensor denominator = denominators.For(parameter);
            denominator.copy_(state.square_avg).sqrt_().add_(epsilon, Runtime.Scalars.One);
            parameter.addcdiv_(gradient, denominator, negativeLearningRate);
        }

        return null!;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            denominators.Dispose();
            foreach (Scalar scalar in new[] { alpha, oneMinusAlpha, epsilon, negativeLearningRate })
            {
                scalar.Dispose();
            }
        }
    }
}

/// <summary>One work buffer per parameter, of its shape and on its device, made on first use and kept.</summary>
internal sealed class ParameterBuffers : IDisposable
{
    private readonly Dictionary<IntPtr, Tensor> buffers = [];

    /// <summary>The parameter's buffer (contents undefined), made again if the parameter moved to another device.</summary>
    public Tensor For(Parameter parameter)
    {
        if (!buffers.TryGetValue(parameter.Handle, out Tensor? buffer) || buffer.device_type != parameter.device_type || buffer.device_index != parameter.device_index)
        {
            buffer?.Dispose();
            buffer = empty_like(parameter).DetachFromDisposeScope();
            buffers[parameter.Handle] = buffer;
        }

        return buffer;
    }

    public void Dispose()
    {
        foreach (Tensor buffer in buffers.Values)
        {
            buffer.Dispose();
        }

        buffers.Clear();
    }
}

/// <summary>Gradient helpers that leave nothing for the finalizer.</summary>
internal static class Gradients
{
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
