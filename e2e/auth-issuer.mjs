// A local OpenID Connect issuer standing in for Microsoft Entra ID in the sign-in tests (loopback only).
// It signs ID tokens carrying Entra's claims: oid, preferred_username, email and `groups` (object ids).
// Login is oidc-provider's development form (any password); consent is pre-granted, as an admin
// consent in Entra would do. Usage: node e2e/auth-issuer.mjs  (env: ISSUER_PORT, APP_URL, CLIENT_ID, CLIENT_SECRET)
import { generateKeyPairSync, randomBytes } from "node:crypto";
import Provider from "oidc-provider";

export const ALLOWED_GROUP = "6f1d3c2a-0b7e-4f3a-9c51-2d7e8a4b1c90";
export const OTHER_GROUP = "0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d";

export const USERS = {
  alice: { name: "Alice Admin", email: "alice@contoso.test", oid: "11111111-1111-4111-8111-111111111111", groups: [ALLOWED_GROUP, OTHER_GROUP] },
  bob: { name: "Bob Outsider", email: "bob@contoso.test", oid: "22222222-2222-4222-8222-222222222222", groups: [OTHER_GROUP] },
};

export function createIssuer({ port, appUrl, clientId, clientSecret }) {
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: "test-key", use: "sig", alg: "RS256" };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [`${appUrl}/api/auth/callback/microsoft-entra-id`],
        post_logout_redirect_uris: [appUrl],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    claims: {
      openid: ["sub"],
      profile: ["name", "preferred_username", "oid", "groups"],
      email: ["email"],
    },
    // Entra puts profile claims and groups in the ID token itself; next-auth reads only the ID token.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, id) {
      const user = USERS[id];
      if (!user) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: user.oid, oid: user.oid, name: user.name, preferred_username: user.email, email: user.email, groups: user.groups };
        },
      };
    },
    async loadExistingGrant(ctx) {
      const { client, session, result } = ctx.oidc;
      const grantId = result?.consent?.grantId || session.grantIdFor(client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope("openid profile email offline_access");
      await grant.save();
      return grant;
    },
  });
  return { provider, issuer };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.ISSUER_PORT ?? 3210);
  const { provider, issuer } = createIssuer({
    port,
    appUrl: process.env.APP_URL ?? "http://127.0.0.1:3200",
    clientId: process.env.CLIENT_ID ?? "lockdown-auditor-test",
    clientSecret: process.env.CLIENT_SECRET ?? "test-client-secret-0123456789",
  });
  provider.listen(port, "127.0.0.1", () => console.log(`test issuer ready at ${issuer}`));
}
