using TorchSharp;
using VaeLib.Data;
using VaeLib.Likelihoods;
using VaeLib.Objectives;
using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Tests.Objectives;

/// <summary>
/// The objective is a seam: the trainer minimizes whatever a <see cref="VaeObjective"/> computes, reports its named
/// terms, and tells it where training stands; the default ELBO objective holds the KL warm-up schedule.
/// </summary>
[Collection(GlobalRandomStateCollection.Name)]
public sealed class ObjectiveTests
{
    [Fact]
    public void The_trainer_reports_a_custom_objectives_named_terms_and_validation_computes_them_without_training_flags()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var model = VariationalAutoencoder.CreateMlp([5], latentSize: 2, hiddenSizes: [6], likelihood: new GaussianLikelihood());
        var objective = new ReconstructionAtMean();
        var training = new TensorDataset(randn(40, 5));
        var validation = new TensorDataset(randn(9, 5));
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 2, BatchSize = 16, Objective = objective });

        TrainingHistory history = trainer.Fit(training, validation);

        EpochReport last = history.Epochs[^1];
        last.TrainTerms!.Keys.Should().Equal("recon_at_mean", "training_flag");
        last.TrainTerms["training_flag"].Should().Be(1, "every training step was told it trains");
        last.Validation!.Terms!["training_flag"].Should().Be(0, "validation is not a training step");
        last.TrainReconstruction.Should().Be(double.NaN, "this objective has no recon term");
        last.TrainKl.Should().Be(double.NaN);
        double byHand;
        using (no_grad())
        {
            model.eval();
            Tensor x = validation.GetBatch(arange(9));
            byHand = -model.Likelihood.LogProb(x, model.Decode(model.Encode(x).Mean)).mean().item<float>();
        }

        last.Validation.Loss.Should().BeApproximately(byHand, 1e-4, "the validation loss is the objective's, on the trained model");
        last.Validation.Terms["recon_at_mean"].Should().BeApproximately(byHand, 1e-4);
        objective.Contexts.Where(c => c.IsTraining).Select(c => (c.Epoch, c.Step)).Should().Equal((1, 0L), (1, 1L), (1, 2L), (2, 0L), (2, 1L), (2, 2L));
        objective.Contexts.Should().OnlyContain(c => c.IsTraining ? c.StepsPerEpoch == 3 && c.DatasetSize == 40 : c.StepsPerEpoch == 1 && c.DatasetSize == 9);
    }

    [Fact]
    public void An_objective_with_elbo_options_beside_it_is_refused()
    {
        using var model = VariationalAutoencoder.CreateMlp([5], latentSize: 2, hiddenSizes: [6]);

        var create = () => new Trainer(model, new TrainerOptions { Objective = new ReconstructionAtMean(), Beta = 0.5 });

        create.Should().Throw<ArgumentException>().WithMessage("*Objective carries its own settings*Beta*");
    }

    [Theory]
    [InlineData(1, 0, 0.0)]
    [InlineData(1, 2, 0.5 * 2 / 12)]
    [InlineData(2, 3, 0.5 * 9 / 12)]
    [InlineData(3, 0, 0.5)]
    [InlineData(5, 1, 0.5)]
    public void The_elbo_objective_ramps_the_kl_weight_per_minibatch_over_the_warm_up(int epoch, long step, double expected)
    {
        // Two warm-up epochs of six minibatches: β · ((epoch − 1)·6 + step) / 12, capped at β.
        var objective = new ElboObjective(beta: 0.5, klWarmupEpochs: 2);
        using var generator = new Generator(1);
        var context = new ObjectiveContext(epoch, step, StepsPerEpoch: 6, DatasetSize: 60, generator, CPU, IsTraining: true);

        objective.KlWeight(context).Should().BeApproximately(expected, 1e-12);
        objective.KlWeight(context with { IsTraining = false }).Should().Be(0.5, "validation reports the objective at β");
    }

    /// <summary>A deterministic objective: −log p(x | z = μ), and a term that is 1 in training steps and 0 otherwise.</summary>
    private sealed class ReconstructionAtMean : VaeObjective
    {
        private static readonly string[] Names = ["recon_at_mean", "training_flag"];

        public List<ObjectiveContext> Contexts { get; } = [];

        public override IReadOnlyList<string> TermNames => Names;

        public override ObjectiveTerms Compute(VariationalAutoencoder model, Tensor input, Tensor? condition, ObjectiveContext context)
        {
            Contexts.Add(context);
            Tensor loss = model.Likelihood.LogProb(input, model.Decode(model.Encode(input, condition).Mean, condition)).neg();
            return new ObjectiveTerms(loss, [loss, full(input.size(0), context.IsTraining ? 1f : 0f, device: input.device)]);
        }
    }
}
