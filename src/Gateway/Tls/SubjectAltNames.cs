using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Sluice.Gateway.Tls;

/// <summary>
/// A certificate's subject alternative names by type. .NET exposes DNS names and IP addresses only; URIs (SPIFFE IDs)
/// and email addresses are read from the extension's DER here.
/// </summary>
internal sealed class SubjectAltNames
{
    private static readonly Asn1Tag EmailTag = new(TagClass.ContextSpecific, 1);
    private static readonly Asn1Tag DnsTag = new(TagClass.ContextSpecific, 2);
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);
    private static readonly Asn1Tag IpTag = new(TagClass.ContextSpecific, 7);

    public List<string> Dns { get; } = [];

    public List<string> Uris { get; } = [];

    public List<string> Emails { get; } = [];

    public List<string> IpAddresses { get; } = [];

    public static SubjectAltNames Read(X509Certificate2 certificate)
    {
        var names = new SubjectAltNames();
        if (certificate.Extensions["2.5.29.17"] is not { } extension)
        {
            return names;
        }

        try
        {
            var sequence = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
            while (sequence.HasData)
            {
                var tag = sequence.PeekTag();
                if (tag.HasSameClassAndValue(DnsTag))
                {
                    names.Dns.Add(sequence.ReadCharacterString(UniversalTagNumber.IA5String, DnsTag));
                }
                else if (tag.HasSameClassAndValue(UriTag))
                {
                    names.Uris.Add(sequence.ReadCharacterString(UniversalTagNumber.IA5String, UriTag));
                }
                else if (tag.HasSameClassAndValue(EmailTag))
                {
                    names.Emails.Add(sequence.ReadCharacterString(UniversalTagNumber.IA5String, EmailTag));
                }
                else if (tag.HasSameClassAndValue(IpTag))
                {
                    names.IpAddresses.Add(new IPAddress(sequence.ReadOctetString(IpTag)).ToString());
                }
                else
                {
                    sequence.ReadEncodedValue();
                }
            }
        }
        catch (AsnContentException)
        {
            // A malformed extension names nothing; the certificate then matches no configured SAN.
        }

        return names;
    }

    /// <summary>
    /// Whether any SAN equals one of <paramref name="wanted"/> (Envoy's <c>verify_subject_alt_name</c>): DNS names
    /// case-insensitively, with a certificate wildcard <c>*.example.com</c> covering one label; the others exactly.
    /// </summary>
    public bool MatchesAny(IReadOnlyList<string> wanted)
    {
        foreach (var name in wanted)
        {
            foreach (var dns in Dns)
            {
                if (string.Equals(dns, name, StringComparison.OrdinalIgnoreCase) || WildcardCovers(dns, name))
                {
                    return true;
                }
            }

            if (Uris.Contains(name) || Emails.Contains(name) || IpAddresses.Contains(name))
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString()
    {
        var all = new List<string>(Dns.Count + Uris.Count + Emails.Count + IpAddresses.Count);
        all.AddRange(Dns.Select(d => "DNS:" + d));
        all.AddRange(Uris.Select(u => "URI:" + u));
        all.AddRange(Emails.Select(e => "email:" + e));
        all.AddRange(IpAddresses.Select(i => "IP:" + i));
        return all.Count == 0 ? "none" : string.Join(", ", all);
    }

    private static bool WildcardCovers(string pattern, string name)
    {
        if (!pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            return false;
        }

        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && string.Equals(name[dot..], pattern[1..], StringComparison.OrdinalIgnoreCase);
    }
}
