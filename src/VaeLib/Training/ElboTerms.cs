using static TorchSharp.torch;

namespace VaeLib.Training;

/// <summary>
/// The parts of the negative ELBO, per item (shape <c>[N]</c>) or averaged (scalars), in nats.
/// </summary>
/// <param name="Loss">Reconstruction + β·KL: what training minimizes.</param>
/// <param name="Reconstruction">−E_q[log p(x|z)], the expected negative reconstruction log-likelihood.</param>
/// <param name="Kl">KL(q(z|x) ‖ N(0, I)).</param>
public sealed record ElboTerms(Tensor Loss, Tensor Reconstruction, Tensor Kl)
{
    /// <summary>The ELBO itself, E_q[log p(x|z)] − KL (β = 1), a lower bound on log p(x).</summary>
    public Tensor Elbo => Reconstruction.add(Kl, Runtime.Scalars.One).neg();

    /// <summary>The batch means of the three parts, as scalars.</summary>
    /// <returns>Scalar terms.</returns>
    public ElboTerms Mean() => new(Loss.mean(), Reconstruction.mean(), Kl.mean());
}
