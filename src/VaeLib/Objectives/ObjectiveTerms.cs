using static TorchSharp.torch;

namespace VaeLib.Objectives;

/// <summary>What an objective computed for a minibatch, per item.</summary>
/// <param name="Loss">The loss to minimize, <c>[N]</c>.</param>
/// <param name="Terms">One tensor <c>[N]</c> per name of <see cref="VaeObjective.TermNames"/>, in that order.</param>
public sealed record ObjectiveTerms(Tensor Loss, IReadOnlyList<Tensor> Terms);
