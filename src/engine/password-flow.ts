// Where provisioning meets SetPassword: the secret is made once the clone's id is known, tagged on
// the cluster as pending, and applied once the writer is up (here when waiting, else by the Lambda's
// RDS "instance created" event handler).
import { KmsAdapter } from '../aws/kms.ts';
import type { DBCluster } from '../aws/rds.ts';
import { SecretsAdapter } from '../aws/secrets.ts';
import { toClusterInfo } from '../inventory/read.ts';
import type { PasswordRequest } from '../model/api.ts';
import { TAG } from '../model/tags.ts';
import type { EngineContext } from './context.ts';
import {
  applyPendingPassword,
  cleanupPassword,
  type PasswordServices,
  type PreparedPassword,
  preparePassword,
} from './password.ts';

export function passwordServices(ctx: EngineContext): PasswordServices {
  const aws = ctx.options.aws ?? {};
  return { secrets: new SecretsAdapter(aws), kms: new KmsAdapter(aws), rds: ctx.rds };
}

export async function preparePasswordForClone(
  ctx: EngineContext,
  req: PasswordRequest,
  clusterId: string,
  clusterArn: string,
): Promise<PreparedPassword> {
  const prepared = await preparePassword(
    req,
    { clusterId, managerId: ctx.managerId, now: ctx.clock.now() },
    passwordServices(ctx),
  );
  const tags: Record<string, string> = {
    [TAG.passwordSecret]: prepared.secretArn,
    [TAG.passwordState]: 'pending',
  };
  if (prepared.kmsKeyId) tags[TAG.passwordKey] = prepared.kmsKeyId;
  if (prepared.keyCreated) tags[TAG.passwordKeyCreated] = 'true';
  await ctx.rds.addTags(clusterArn, tags);
  return prepared;
}

/** Applies a pending password (generated or RDS-managed) once the cluster is available. */
export async function applyPasswordAfterCreate(ctx: EngineContext, cluster: DBCluster): Promise<boolean> {
  const info = toClusterInfo(cluster);
  if (!info.managed?.passwordPending) return false;
  return applyPendingPassword(info, passwordServices(ctx));
}

export async function discardPassword(ctx: EngineContext, prepared: PreparedPassword) {
  await cleanupPassword(
    {
      role: 'clone',
      sourceArn: '',
      rootArn: '',
      legacy: false,
      passwordSecret: prepared.secretArn,
      ...(prepared.kmsKeyId ? { passwordKey: prepared.kmsKeyId } : {}),
      passwordKeyCreated: prepared.keyCreated,
    },
    passwordServices(ctx),
  );
}
