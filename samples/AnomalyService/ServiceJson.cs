using System.Text.Json;
using System.Text.Json.Serialization;

namespace AnomalyService;

/// <summary>Source-generated JSON for the service's messages, so a trimmed publish keeps everything it needs.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ScoreRequest))]
[JsonSerializable(typeof(ScoreResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(ServiceInfo))]
internal sealed partial class ServiceJson : JsonSerializerContext;
