namespace VaeLib.Modules;

/// <summary>The nonlinearity placed after each hidden layer of a built-in module.</summary>
public enum Activation
{
    /// <summary>max(0, x).</summary>
    Relu,

    /// <summary>max(0.01·x, x).</summary>
    LeakyRelu,

    /// <summary>tanh(x).</summary>
    Tanh,

    /// <summary>Exponential linear unit.</summary>
    Elu,

    /// <summary>Gaussian error linear unit.</summary>
    Gelu,

    /// <summary>x·sigmoid(x), also called swish.</summary>
    Silu,
}
