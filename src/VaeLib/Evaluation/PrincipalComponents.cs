using static TorchSharp.torch;

namespace VaeLib.Evaluation;

/// <summary>Principal component analysis in one call; <see cref="PrincipalComponentModel"/> keeps the fit for other data.</summary>
public static class PrincipalComponents
{
    /// <summary>Projects rows onto their leading principal components (the data are centred first).</summary>
    /// <param name="rows">Data <c>[N, D]</c>.</param>
    /// <param name="components">How many components, 1 ≤ k ≤ D.</param>
    /// <returns>Scores <c>[N, k]</c>, ordered by explained variance.</returns>
    public static Tensor Project(Tensor rows, int components)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.dim() != 2 || components < 1 || components > rows.shape[1])
        {
            throw new ArgumentException($"Expected rows [N, D] and 1 ≤ components ≤ D; found {Shapes.Format(rows.shape)} and {components}.", nameof(components));
        }

        using PrincipalComponentModel model = PrincipalComponentModel.Fit(rows, components);
        return model.Transform(rows);
    }
}
