using System.Text;
using Microsoft.AspNetCore.Http;
using Sluice.Filters.ExtAuth;

namespace Sluice.Filters.Tests.Security;

public sealed class ExtAuthFilterTests
{
    private static readonly ExtAuthFilterDescriptor Descriptor = new();

    [Fact]
    public async Task ApiKey_FromReferencedSecret_PassesAndSetsMetadataHeaders()
    {
        var context = new TestCompileContext().WithSecret("alice-key", new Dictionary<string, string> { ["api-key"] = "k-alice", ["user-id"] = "alice" });
        context.AuthConfigs["default/keys"] = new AuthConfigSpec
        {
            Configs = [new AuthConfigStep { ApiKeyAuth = new ApiKeyAuthConfig
            {
                ApiKeySecretRefs = [new SecretRef { Name = "alice-key" }],
                HeadersFromMetadataEntry = new Dictionary<string, MetadataEntry> { ["x-user-id"] = new() { Name = "user-id" } },
            } }],
        };
        var filter = Descriptor.Compile(new ExtAuthOptions { ConfigRef = new AuthConfigRef { Name = "keys" } }, context);

        var good = Exchange(("api-key", "k-alice"), ("x-user-id", "spoofed"));
        Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(good));
        Assert.Equal("alice", good.HttpContext.Request.Headers["x-user-id"].ToString());

        var bad = Exchange(("api-key", "k-mallory"));
        Assert.Equal(FilterVerdict.Handled, await filter.OnRequestAsync(bad));
        Assert.Equal(401, bad.HttpContext.Response.StatusCode);

        var spoofOnly = Exchange(("x-user-id", "admin"));
        Assert.Equal(FilterVerdict.Handled, await filter.OnRequestAsync(spoofOnly));
    }

    [Fact]
    public async Task ApiKey_ByLabelSelector_FindsKeysAndRequiredMetadataIsEnforced()
    {
        var context = new TestCompileContext()
            .WithSecret("a", new Dictionary<string, string> { ["api-key"] = "k-a", ["team"] = "x" }, new Dictionary<string, string> { ["team"] = "infra" })
            .WithSecret("b", new Dictionary<string, string> { ["api-key"] = "k-b" }, new Dictionary<string, string> { ["team"] = "infra" })
            .WithSecret("c", new Dictionary<string, string> { ["api-key"] = "k-c", ["team"] = "y" }, new Dictionary<string, string> { ["team"] = "web" });
        context.AuthConfigs["default/keys"] = new AuthConfigSpec
        {
            Configs = [new AuthConfigStep { ApiKeyAuth = new ApiKeyAuthConfig
            {
                HeaderName = "x-api-key",
                LabelSelector = new Dictionary<string, string> { ["team"] = "infra" },
                HeadersFromMetadataEntry = new Dictionary<string, MetadataEntry> { ["x-team"] = new() { Name = "team", Required = true } },
            } }],
        };
        var filter = Descriptor.Compile(new ExtAuthOptions { ConfigRef = new AuthConfigRef { Name = "keys" } }, context);

        Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(Exchange(("x-api-key", "k-a"))));
        Assert.Equal(FilterVerdict.Handled, await filter.OnRequestAsync(Exchange(("x-api-key", "k-b"))));
        Assert.Equal(FilterVerdict.Handled, await filter.OnRequestAsync(Exchange(("x-api-key", "k-c"))));
        Assert.Equal(FilterVerdict.Handled, await filter.OnRequestAsync(Exchange(("api-key", "k-a"))));
    }

    [Fact]
    public async Task BasicAuth_AprUsers_ChallengeWithRealm()
    {
        var context = new TestCompileContext();
        context.AuthConfigs["default/basic"] = new AuthConfigSpec
        {
            Configs = [new AuthConfigStep { BasicAuth = new BasicAuthConfig
            {
                Realm = "admin area",
                Apr = new AprConfig { Users = new Dictionary<string, SaltedHashedPassword> { ["user"] = new() { Salt = "TYiryv0/", HashedPassword = "8BvzLUO9IfGPGGsPnAgSu1" } } },
            } }],
        };
        var filter = Descriptor.Compile(new ExtAuthOptions { ConfigRef = new AuthConfigRef { Name = "basic" } }, context);

        Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(Exchange(("Authorization", Basic("user:password")))));
        foreach (var credentials in new[] { Basic("user:wrong"), Basic("other:password"), Basic("userpassword"), "Basic !!!", "Bearer x" })
        {
            var refused = Exchange(("Authorization", credentials));
            Assert.Equal(FilterVerdict.Handled, await filter.OnRequestAsync(refused));
            Assert.Equal(401, refused.HttpContext.Response.StatusCode);
            Assert.Equal("Basic realm=\"admin area\"", refused.HttpContext.Response.Headers.WWWAuthenticate.ToString());
        }
    }

    [Fact]
    public async Task BasicAuth_UsersFromBasicAuthSecretAndHtpasswd()
    {
        var htpasswd = Path.GetTempFileName();
        File.WriteAllText(htpasswd, $"# users\nbob:{BCrypt.Net.BCrypt.HashPassword("bobpw", workFactor: 4)}\ncarol:{{SHA}}5en6G6MezRroT3XKqkdPOmY/BfQ=\n");
        try
        {
            var context = new TestCompileContext().WithSecret("alice", new Dictionary<string, string> { ["username"] = "alice", ["password"] = "alicepw" }, type: "kubernetes.io/basic-auth");
            context.AuthConfigs["default/basic"] = new AuthConfigSpec
            {
                Configs = [new AuthConfigStep { BasicAuth = new BasicAuthConfig { UserSecretRefs = [new SecretRef { Name = "alice" }], HtpasswdFile = htpasswd } }],
            };
            var filter = Descriptor.Compile(new ExtAuthOptions { ConfigRef = new AuthConfigRef { Name = "basic" } }, context);

            Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(Exchange(("Authorization", Basic("alice:alicepw")))));
            Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(Exchange(("Authorization", Basic("bob:bobpw")))));
            Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(Exchange(("Authorization", Basic("carol:secret")))));
            Assert.Equal(FilterVerdict.Handled, await filter.OnRequestAsync(Exchange(("Authorization", Basic("alice:bobpw")))));
        }
        finally
        {
            File.Delete(htpasswd);
        }
    }

    [Fact]
    public async Task MissingAuthConfig_FailsClosed()
    {
        var filter = Descriptor.Compile(new ExtAuthOptions { ConfigRef = new AuthConfigRef { Name = "gone" } }, new TestCompileContext());
        var exchange = Exchange(("api-key", "anything"));

        Assert.Equal(FilterVerdict.Handled, await filter.OnRequestAsync(exchange));
        Assert.Equal(503, exchange.HttpContext.Response.StatusCode);
    }

    [Fact]
    public void Describe_NeverShowsKeyOrHashMaterial()
    {
        var context = new TestCompileContext().WithSecret("k", new Dictionary<string, string> { ["api-key"] = "super-secret-key" });
        context.AuthConfigs["default/c"] = new AuthConfigSpec
        {
            Configs =
            [
                new AuthConfigStep { ApiKeyAuth = new ApiKeyAuthConfig { ApiKeySecretRefs = [new SecretRef { Name = "k" }] } },
                new AuthConfigStep { BasicAuth = new BasicAuthConfig { Apr = new AprConfig { Users = new Dictionary<string, SaltedHashedPassword> { ["u"] = new() { Salt = "TYiryv0/", HashedPassword = "8BvzLUO9IfGPGGsPnAgSu1" } } } } },
            ],
        };
        var description = Descriptor.Compile(new ExtAuthOptions { ConfigRef = new AuthConfigRef { Name = "c" } }, context).Describe()
            + context.AuthConfigs["default/c"] + context.Secrets["default/k"];

        Assert.DoesNotContain("super-secret-key", description, StringComparison.Ordinal);
        Assert.DoesNotContain("8BvzLUO9", description, StringComparison.Ordinal);
        Assert.DoesNotContain("TYiryv0", description, StringComparison.Ordinal);
    }

    private static string Basic(string credentials) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));

    private static ProxyExchange Exchange(params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Response.Body = new MemoryStream();
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        return new ProxyExchange(context, "/", "route");
    }
}
