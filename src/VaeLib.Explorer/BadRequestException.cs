namespace VaeLib.Explorer;

/// <summary>A request the server refuses with 400 and this message (malformed JSON, a missing field, a body too large).</summary>
/// <param name="message">What is wrong with the request.</param>
internal sealed class BadRequestException(string message) : Exception(message);
