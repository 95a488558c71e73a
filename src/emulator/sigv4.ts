// Region and signing service from a SigV4 credential scope. The emulator checks no signatures
// (any credentials are accepted), but the scope says which Region the client is talking to.

export interface CredentialScope {
  region: string;
  service: string;
}

/** From `Authorization: AWS4-HMAC-SHA256 Credential=AKID/20261125/eu-west-1/rds/aws4_request, …` or a presigned `X-Amz-Credential`. */
export function credentialScope(
  authorization: string | undefined,
  query: URLSearchParams,
): CredentialScope | undefined {
  const credential =
    /Credential=([^,\s]+)/.exec(authorization ?? '')?.[1] ?? query.get('X-Amz-Credential') ?? undefined;
  if (!credential) return undefined;
  const parts = credential.split('/');
  // AKID/date/region/service/aws4_request; the access key id itself has no slash.
  if (parts.length < 5 || parts[parts.length - 1] !== 'aws4_request') return undefined;
  const region = parts[parts.length - 3];
  const service = parts[parts.length - 2];
  if (!region || !service) return undefined;
  return { region, service };
}
