// Nothing secret reaches a log line: passwords, secret values, presigned URL signatures.

const SECRET_KEYS = /pass(word)?|secret(string|value)?$|^secretstring$|token|signature|credential/i;
const PRESIGNED =
  /([?&](X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|AWSAccessKeyId)=)[^&\s"]+/gi;

export function redactString(s: string): string {
  return s.replace(PRESIGNED, '$1[REDACTED]');
}

/** Deep copy with secret-looking keys replaced; `ResponseURL` keeps its path but loses its query. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[…]';
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'ResponseURL' && typeof v === 'string') out[k] = v.split('?')[0] + '?[REDACTED]';
      else if (SECRET_KEYS.test(k) && !/(arn|name|id|prefix|key)$/i.test(k) && v !== undefined)
        out[k] = '[REDACTED]';
      else out[k] = redact(v, depth + 1);
    }
    return out;
  }
  return value;
}
