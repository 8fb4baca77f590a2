using System.CommandLine;
using VaeLib.Onnx;
using VaeLib.Persistence;

namespace VaeLib.Cli.Commands;

/// <summary><c>vae export</c>: writes a saved model as ONNX files (encoder, decoder, scorer) for ONNX Runtime.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A saved model folder (a vae train run folder).", Required = true };
        var output = new Option<string>("--out") { Description = "The folder to write encoder.onnx, decoder.onnx and scorer.onnx into.", Required = true };
        var opset = new Option<int>("--opset")
        {
            Description = $"The ONNX opset the files declare, {OnnxExportOptions.MinimumOpset} to {OnnxExportOptions.MaximumOpset}.",
            DefaultValueFactory = _ => OnnxExportOptions.DefaultOpset,
        };
        var maxParameters = ModelCommandOptions.MaxParametersOption("A saved model with more parameters is refused before it is allocated.");
        var command = new Command("export", "Export a saved model to ONNX: the encoder (x → mu, logvar), the decoder (z → parameters, mean) and a scorer (x → anomaly score), each with a dynamic batch axis, to score with ONNX Runtime without TorchSharp.")
        {
            model, output, opset, maxParameters,
        };
        command.SetAction(result =>
        {
            OnnxExportOptions options;
            try
            {
                options = new OnnxExportOptions { Opset = result.GetValue(opset) };
            }
            catch (ArgumentOutOfRangeException)
            {
                throw new UsageException($"--opset must be between {OnnxExportOptions.MinimumOpset} and {OnnxExportOptions.MaximumOpset}; found {result.GetValue(opset)}.");
            }

            using SavedModel saved = SavedModel.Load(result.GetValue(model)!, maxParameterCount: result.GetValue(maxParameters));
            OnnxExport export;
            try
            {
                export = OnnxExporter.Export(saved, result.GetValue(output)!, options);
            }
            catch (OnnxExportException exception)
            {
                Console.Error.WriteLine($"error: {result.GetValue(model)}: {exception.Message}");
                return ExitCodes.DataError;
            }

            string preprocessing = export.Preprocessing.IsNone ? "no preprocessing" : $"{export.Preprocessing.Units}, preprocessed inside the graphs ({export.Preprocessing.Description})";
            Console.WriteLine($"Wrote {export.EncoderPath}, {export.DecoderPath} and {export.ScorerPath} (opset {export.Opset}; input: {preprocessing}).");
            return ExitCodes.Success;
        });
        return command;
    }
}
