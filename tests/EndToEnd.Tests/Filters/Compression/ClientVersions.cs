using System.Net;

namespace Sluice.EndToEnd.Tests.Filters.Compression;

/// <summary>Both client protocols every compression test runs with.</summary>
public static class ClientVersions
{
    public static TheoryData<string> All => ["1.1", "2.0"];

    public static Version Parse(string version) => version == "2.0" ? HttpVersion.Version20 : HttpVersion.Version11;
}
