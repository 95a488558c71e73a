// Tags are the manager's only state. They are set in the create call itself, so a cluster that is
// still `creating` is already counted. The first implementation's `y.aurora.*` tags are read too.

export const TAG_PREFIX = 'aurora-clone-manager:';

export const TAG = {
  role: `${TAG_PREFIX}role`,
  sourceArn: `${TAG_PREFIX}source-arn`,
  rootArn: `${TAG_PREFIX}root-arn`,
  dataTimestamp: `${TAG_PREFIX}data-timestamp`,
  manager: `${TAG_PREFIX}manager`,
  request: `${TAG_PREFIX}request`,
  owner: `${TAG_PREFIX}owner`,
  expiresAt: `${TAG_PREFIX}expires-at`,
  passwordSecret: `${TAG_PREFIX}password-secret`,
  passwordKey: `${TAG_PREFIX}password-key`,
  /** "true" when the manager created the KMS key for this clone and must schedule its deletion. */
  passwordKeyCreated: `${TAG_PREFIX}password-key-created`,
  /** "pending" while the generated password still has to be applied to the cluster. */
  passwordState: `${TAG_PREFIX}password-state`,
  /**
   * Set by a user ("true") on a cluster of theirs that shares a source's clone group but is not a
   * copy-on-write clone (e.g. their own point-in-time restore), so it is not counted as one.
   */
  notAClone: `${TAG_PREFIX}not-a-clone`,
  /**
   * On a warm clone, made ahead of demand and not claimed yet: its writer's instance class. A request
   * claims it by removing this tag (under the root's lease) and tagging its own owner, key and expiry.
   */
  warm: `${TAG_PREFIX}warm`,
} as const;

export const LEGACY_TAG = {
  role: 'y.aurora.role',
  sourceArn: 'y.aurora.source-cluster-arn',
  rootArn: 'y.aurora.root-cluster-arn',
  dataTimestamp: 'y.aurora.data-timestamp',
  passwordSecret: 'y.aurora.password-secret',
  passwordKey: 'y.aurora.password-key',
  manager: 'y.clone-manager-stack',
} as const;

export type Role = 'clone' | 'copy';

export interface Tag {
  Key: string;
  Value: string;
}

/** What the manager's tags say about a cluster it created. */
export interface ManagedTags {
  role: Role;
  sourceArn: string;
  rootArn: string;
  dataTimestamp?: Date;
  manager?: string;
  request?: string;
  owner?: string;
  expiresAt?: Date;
  passwordSecret?: string;
  passwordKey?: string;
  passwordKeyCreated?: boolean;
  passwordPending?: boolean;
  /** A warm clone not claimed yet: its writer's instance class. */
  warm?: string;
  /** true when read from the first implementation's tags. */
  legacy: boolean;
}

export function tagMap(
  tags: readonly { Key?: string; Value?: string }[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

function date(v: string | undefined): Date | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The manager's view of a cluster's tags, or undefined when the cluster is not a manager clone/copy. */
export function readManagedTags(tags: Record<string, string>): ManagedTags | undefined {
  const current = tags[TAG.role];
  const legacyRole = tags[LEGACY_TAG.role];
  const legacy = current === undefined && legacyRole !== undefined;
  const role = current ?? legacyRole;
  if (role !== 'clone' && role !== 'copy') return undefined;
  const pick = (k: keyof typeof LEGACY_TAG & keyof typeof TAG) => tags[TAG[k]] ?? tags[LEGACY_TAG[k]];
  const sourceArn = pick('sourceArn');
  const rootArn = pick('rootArn') ?? (role === 'copy' ? sourceArn : undefined);
  if (!sourceArn || !rootArn) return undefined;
  const out: ManagedTags = { role, sourceArn, rootArn, legacy };
  const dataTimestamp = date(pick('dataTimestamp'));
  if (dataTimestamp) out.dataTimestamp = dataTimestamp;
  const manager = pick('manager');
  if (manager) out.manager = manager;
  if (tags[TAG.request]) out.request = tags[TAG.request];
  if (tags[TAG.owner]) out.owner = tags[TAG.owner];
  const expiresAt = date(tags[TAG.expiresAt]);
  if (expiresAt) out.expiresAt = expiresAt;
  const secret = pick('passwordSecret');
  if (secret) out.passwordSecret = secret;
  const key = pick('passwordKey');
  if (key) out.passwordKey = key;
  if (tags[TAG.passwordKeyCreated] === 'true') out.passwordKeyCreated = true;
  if (tags[TAG.passwordState] === 'pending') out.passwordPending = true;
  if (role === 'clone' && tags[TAG.warm]) out.warm = tags[TAG.warm];
  return out;
}

export interface ManagedTagInput {
  role: Role;
  sourceArn: string;
  rootArn: string;
  dataTimestamp: Date;
  manager: string;
  request?: string;
  owner?: string;
  expiresAt?: Date;
  passwordSecret?: string;
  passwordKey?: string;
  passwordKeyCreated?: boolean;
  passwordPending?: boolean;
  warm?: string;
}

/** Tags for a cluster the manager creates, user tags first so the manager's always win. */
export function managedTagList(input: ManagedTagInput, userTags: Record<string, string> = {}): Tag[] {
  const t: Record<string, string> = {};
  for (const [k, v] of Object.entries(userTags)) if (!k.startsWith(TAG_PREFIX)) t[k] = v;
  t[TAG.role] = input.role;
  t[TAG.sourceArn] = input.sourceArn;
  t[TAG.rootArn] = input.rootArn;
  t[TAG.dataTimestamp] = input.dataTimestamp.toISOString();
  t[TAG.manager] = input.manager;
  if (input.request) t[TAG.request] = input.request;
  if (input.owner) t[TAG.owner] = input.owner;
  if (input.expiresAt) t[TAG.expiresAt] = input.expiresAt.toISOString();
  if (input.passwordSecret) t[TAG.passwordSecret] = input.passwordSecret;
  if (input.passwordKey) t[TAG.passwordKey] = input.passwordKey;
  if (input.passwordKeyCreated) t[TAG.passwordKeyCreated] = 'true';
  if (input.passwordPending) t[TAG.passwordState] = 'pending';
  if (input.warm) t[TAG.warm] = input.warm;
  return Object.entries(t).map(([Key, Value]) => ({ Key, Value }));
}
