// The only module that builds an RDS client. Thin: one method per API call, SDK shapes in and out,
// pagination loops, and AWS faults turned into the product's named errors (src/aws/call.ts):
// absence becomes undefined where callers expect it, and a restore AWS refuses from its source
// becomes RestoreRefusedError.
import type {
  CreateDBInstanceCommandInput,
  DBCluster,
  DBInstance,
  Filter,
  RDSClient,
  RestoreDBClusterToPointInTimeCommandInput,
} from '@aws-sdk/client-rds';
import {
  AwsInvalidStateError,
  AwsNotFoundError,
  type ErrorContext,
  errorMessage,
  RestoreRefusedError,
} from '../util/errors.ts';
import { awsCall, awsError } from './call.ts';
import { type AwsConfig, clientConfig } from './config.ts';
import { SdkAdapter } from './sdk-adapter.ts';

type Sdk = typeof import('./sdk/rds.ts');

export type { DBCluster, DBInstance };

export type RdsCallCounter = (action: string) => void;

/** What a delete call found: done now, already on its way, or nothing there. */
export type DeleteOutcome = 'deleting' | 'already-deleting' | 'gone';

export class RdsAdapter extends SdkAdapter<Sdk, RDSClient> {
  constructor(
    clientOrConfig: RDSClient | AwsConfig = {},
    private readonly count: RdsCallCounter = () => {},
  ) {
    super(
      'RDS',
      () => import('./sdk/rds.ts'),
      clientOrConfig,
      (sdk, config) => new sdk.RDSClient(clientConfig(config, 'RDS')),
    );
  }

  private async send<T>(
    action: string,
    context: ErrorContext,
    fn: (sdk: Sdk, client: RDSClient) => Promise<T>,
  ): Promise<T> {
    const [sdk, client] = await this.sdk();
    this.count(action);
    return awsCall(`rds:${action}`, context, () => fn(sdk, client));
  }

  /** Every cluster (all pages, 100 per page), each with its TagList inline. */
  async describeAllClusters(filters?: Filter[]): Promise<DBCluster[]> {
    const out: DBCluster[] = [];
    let marker: string | undefined;
    do {
      const page = await this.send('DescribeDBClusters', {}, ({ DescribeDBClustersCommand }, client) =>
        client.send(
          new DescribeDBClustersCommand({
            MaxRecords: 100,
            Marker: marker,
            ...(filters ? { Filters: filters } : {}),
          }),
        ),
      );
      out.push(...(page.DBClusters ?? []));
      marker = page.Marker;
    } while (marker);
    return out;
  }

  /** One cluster by id or ARN; undefined when there is none. */
  async describeCluster(idOrArn: string): Promise<DBCluster | undefined> {
    return absentAsUndefined(async () => {
      const r = await this.send(
        'DescribeDBClusters',
        { clusterId: idOrArn },
        ({ DescribeDBClustersCommand }, client) =>
          client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: idOrArn })),
      );
      return r.DBClusters?.[0];
    });
  }

  async describeInstances(filters: Filter[]): Promise<DBInstance[]> {
    const out: DBInstance[] = [];
    let marker: string | undefined;
    do {
      const page = await this.send('DescribeDBInstances', {}, ({ DescribeDBInstancesCommand }, client) =>
        client.send(new DescribeDBInstancesCommand({ Filters: filters, MaxRecords: 100, Marker: marker })),
      );
      out.push(...(page.DBInstances ?? []));
      marker = page.Marker;
    } while (marker);
    return out;
  }

  /** One instance by id; undefined when there is none. */
  async describeInstance(id: string): Promise<DBInstance | undefined> {
    return absentAsUndefined(async () => {
      const r = await this.send(
        'DescribeDBInstances',
        { instanceId: id },
        ({ DescribeDBInstancesCommand }, client) =>
          client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })),
      );
      return r.DBInstances?.[0];
    });
  }

  /**
   * Point-in-time restore (a clone or a full copy). When AWS refuses to restore from the source
   * (gone, not available, no instance) the error is RestoreRefusedError naming the source.
   */
  async restoreCluster(
    input: RestoreDBClusterToPointInTimeCommandInput,
    options: { beforeEachAttempt?: () => void } = {},
  ): Promise<DBCluster> {
    const context = { clusterId: input.DBClusterIdentifier, source: input.SourceDBClusterIdentifier };
    const [{ RestoreDBClusterToPointInTimeCommand }, client] = await this.sdk();
    this.count('RestoreDBClusterToPointInTime');
    const command = new RestoreDBClusterToPointInTimeCommand(input);
    const check = options.beforeEachAttempt;
    if (check) {
      // Inside the SDK's retry loop: a process paused between two attempts checks again on waking.
      command.middlewareStack.add(
        (next) => async (args) => {
          check();
          return next(args);
        },
        { step: 'deserialize', name: 'checkBeforeEachAttempt' },
      );
    }
    try {
      const r = await client.send(command);
      return r.DBCluster ?? {};
    } catch (err) {
      const named = awsError('rds:RestoreDBClusterToPointInTime', err, context);
      if (named instanceof AwsInvalidStateError || named instanceof AwsNotFoundError) {
        throw new RestoreRefusedError(named.action, err, context);
      }
      throw named;
    }
  }

  async createInstance(input: CreateDBInstanceCommandInput): Promise<DBInstance> {
    const r = await this.send(
      'CreateDBInstance',
      { instanceId: input.DBInstanceIdentifier, clusterId: input.DBClusterIdentifier },
      ({ CreateDBInstanceCommand }, client) => client.send(new CreateDBInstanceCommand(input)),
    );
    return r.DBInstance ?? {};
  }

  async modifyCluster(input: {
    clusterId: string;
    masterUserPassword?: string;
    manageMasterUserPassword?: boolean;
    newClusterId?: string;
    applyImmediately?: boolean;
  }): Promise<DBCluster> {
    const r = await this.send(
      'ModifyDBCluster',
      { clusterId: input.clusterId },
      ({ ModifyDBClusterCommand }, client) =>
        client.send(
          new ModifyDBClusterCommand({
            DBClusterIdentifier: input.clusterId,
            MasterUserPassword: input.masterUserPassword,
            ManageMasterUserPassword: input.manageMasterUserPassword,
            NewDBClusterIdentifier: input.newClusterId,
            ApplyImmediately: input.applyImmediately ?? true,
          }),
        ),
    );
    return r.DBCluster ?? {};
  }

  /** Renames a cluster now; its endpoints and ARN follow the new name once it is `available` again. */
  renameCluster(clusterId: string, newClusterId: string): Promise<DBCluster> {
    return this.modifyCluster({ clusterId, newClusterId, applyImmediately: true });
  }

  async deleteInstance(id: string): Promise<DeleteOutcome> {
    return deleteOutcome(() =>
      this.send('DeleteDBInstance', { instanceId: id }, ({ DeleteDBInstanceCommand }, client) =>
        client.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: id, SkipFinalSnapshot: true })),
      ),
    );
  }

  async deleteCluster(id: string, finalSnapshotId?: string): Promise<DeleteOutcome> {
    return deleteOutcome(() =>
      this.send('DeleteDBCluster', { clusterId: id }, ({ DeleteDBClusterCommand }, client) =>
        client.send(
          new DeleteDBClusterCommand({
            DBClusterIdentifier: id,
            ...(finalSnapshotId
              ? { FinalDBSnapshotIdentifier: finalSnapshotId }
              : { SkipFinalSnapshot: true }),
          }),
        ),
      ),
    );
  }

  async addTags(arn: string, tags: Record<string, string>): Promise<void> {
    await this.send('AddTagsToResource', { resource: arn }, ({ AddTagsToResourceCommand }, client) =>
      client.send(
        new AddTagsToResourceCommand({
          ResourceName: arn,
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      ),
    );
  }

  async removeTags(arn: string, keys: string[]): Promise<void> {
    await this.send(
      'RemoveTagsFromResource',
      { resource: arn },
      ({ RemoveTagsFromResourceCommand }, client) =>
        client.send(new RemoveTagsFromResourceCommand({ ResourceName: arn, TagKeys: keys })),
    );
  }
}

async function absentAsUndefined<T>(fn: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AwsNotFoundError) return undefined;
    throw err;
  }
}

/**
 * A repeated delete (a retry whose first attempt landed, or a second caller) finds the resource
 * already being deleted; RDS answers with an invalid-state fault that says so.
 */
async function deleteOutcome(call: () => Promise<unknown>): Promise<DeleteOutcome> {
  try {
    await call();
    return 'deleting';
  } catch (err) {
    if (err instanceof AwsNotFoundError) return 'gone';
    // "already being deleted", but not "still contains DB instances in non-deleting state".
    if (
      err instanceof AwsInvalidStateError &&
      /(?<!non-)deleting|being deleted/i.test(errorMessage(err.cause))
    ) {
      return 'already-deleting';
    }
    throw err;
  }
}
