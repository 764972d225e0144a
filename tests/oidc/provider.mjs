// A real OpenID Connect provider for the tests: node provider.mjs <port> <redirect_uri> [<redirect_uri> ...]
// Test users sign in on the provider's own login form (its development interactions): any password.
import Provider from 'oidc-provider';

const [port, ...redirects] = process.argv.slice(2);
const people = {
  officer: { name: 'Amina Diallo', email: 'amina@office.example', groups: ['licensing'] },
  reviewer: { name: 'Head of Licensing', email: 'head@office.example', groups: ['heads'] },
  trainer: { name: 'Ines Okafor', email: 'ines@office.example', groups: ['trainers'] },
};

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'wizard',
    client_secret: 'wizard-test-secret',
    redirect_uris: redirects,
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  conformIdTokenClaims: false, // the ID token carries the claims Streamlit reads as st.user
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => false },
  cookies: { keys: ['wizard-test-cookie-key'] },
  async findAccount(ctx, id) {
    const person = people[id];
    if (!person) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, email_verified: true, ...person }) };
  },
});
provider.listen(Number(port), '127.0.0.1', () => console.log(`oidc provider on ${port}`));
