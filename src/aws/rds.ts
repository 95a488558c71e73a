// The only module that builds an RDS client. Thin: one method per API call, SDK shapes in and out,
// pagination loops, and "not found" turned into undefined where callers expect absence.
import {
  AddTagsToResourceCommand,
  CreateDBInstanceCommand,
  type CreateDBInstanceCommandInput,
  type DBCluster,
  type DBInstance,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  type Filter,
  ModifyDBClusterCommand,
  RDSClient,
  RemoveTagsFromResourceCommand,
  RestoreDBClusterToPointInTimeCommand,
  type RestoreDBClusterToPointInTimeCommandInput,
} from '@aws-sdk/client-rds';
import { errorCode } from '../util/errors.ts';
import { type AwsConfig, clientConfig } from './config.ts';

export type { DBCluster, DBInstance };

export type RdsCallCounter = (action: string) => void;

export class RdsAdapter {
  readonly client: RDSClient;
  constructor(
    clientOrConfig: RDSClient | AwsConfig = {},
    private readonly count: RdsCallCounter = () => {},
  ) {
    this.client =
      clientOrConfig instanceof RDSClient
        ? clientOrConfig
        : new RDSClient(clientConfig(clientOrConfig, 'RDS'));
  }

  /** Every cluster (all pages, 100 per page), each with its TagList inline. */
  async describeAllClusters(filters?: Filter[]): Promise<DBCluster[]> {
    const out: DBCluster[] = [];
    let marker: string | undefined;
    do {
      this.count('DescribeDBClusters');
      const page = await this.client.send(
        new DescribeDBClustersCommand({
          MaxRecords: 100,
          Marker: marker,
          ...(filters ? { Filters: filters } : {}),
        }),
      );
      out.push(...(page.DBClusters ?? []));
      marker = page.Marker;
    } while (marker);
    return out;
  }

  async describeCluster(idOrArn: string): Promise<DBCluster | undefined> {
    try {
      this.count('DescribeDBClusters');
      const r = await this.client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: idOrArn }));
      return r.DBClusters?.[0];
    } catch (err) {
      if (errorCode(err) === 'DBClusterNotFoundFault') return undefined;
      throw err;
    }
  }

  async describeInstances(filters: Filter[]): Promise<DBInstance[]> {
    const out: DBInstance[] = [];
    let marker: string | undefined;
    do {
      this.count('DescribeDBInstances');
      const page = await this.client.send(
        new DescribeDBInstancesCommand({ Filters: filters, MaxRecords: 100, Marker: marker }),
      );
      out.push(...(page.DBInstances ?? []));
      marker = page.Marker;
    } while (marker);
    return out;
  }

  async describeInstance(id: string): Promise<DBInstance | undefined> {
    try {
      this.count('DescribeDBInstances');
      const r = await this.client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
      return r.DBInstances?.[0];
    } catch (err) {
      if (errorCode(err) === 'DBInstanceNotFound' || errorCode(err) === 'DBInstanceNotFoundFault')
        return undefined;
      throw err;
    }
  }

  async restoreCluster(input: RestoreDBClusterToPointInTimeCommandInput): Promise<DBCluster> {
    this.count('RestoreDBClusterToPointInTime');
    const r = await this.client.send(new RestoreDBClusterToPointInTimeCommand(input));
    return r.DBCluster ?? {};
  }

  async createInstance(input: CreateDBInstanceCommandInput): Promise<DBInstance> {
    this.count('CreateDBInstance');
    const r = await this.client.send(new CreateDBInstanceCommand(input));
    return r.DBInstance ?? {};
  }

  async modifyCluster(input: {
    clusterId: string;
    masterUserPassword?: string;
    manageMasterUserPassword?: boolean;
    applyImmediately?: boolean;
  }): Promise<DBCluster> {
    this.count('ModifyDBCluster');
    const r = await this.client.send(
      new ModifyDBClusterCommand({
        DBClusterIdentifier: input.clusterId,
        MasterUserPassword: input.masterUserPassword,
        ManageMasterUserPassword: input.manageMasterUserPassword,
        ApplyImmediately: input.applyImmediately ?? true,
      }),
    );
    return r.DBCluster ?? {};
  }

  /** Undefined when the instance was already gone. */
  async deleteInstance(id: string): Promise<DBInstance | undefined> {
    try {
      this.count('DeleteDBInstance');
      const r = await this.client.send(
        new DeleteDBInstanceCommand({ DBInstanceIdentifier: id, SkipFinalSnapshot: true }),
      );
      return r.DBInstance ?? {};
    } catch (err) {
      if (errorCode(err) === 'DBInstanceNotFound' || errorCode(err) === 'DBInstanceNotFoundFault')
        return undefined;
      throw err;
    }
  }

  /** Undefined when the cluster was already gone. */
  async deleteCluster(id: string, finalSnapshotId?: string): Promise<DBCluster | undefined> {
    try {
      this.count('DeleteDBCluster');
      const r = await this.client.send(
        new DeleteDBClusterCommand({
          DBClusterIdentifier: id,
          ...(finalSnapshotId ? { FinalDBSnapshotIdentifier: finalSnapshotId } : { SkipFinalSnapshot: true }),
        }),
      );
      return r.DBCluster ?? {};
    } catch (err) {
      if (errorCode(err) === 'DBClusterNotFoundFault') return undefined;
      throw err;
    }
  }

  async addTags(arn: string, tags: Record<string, string>): Promise<void> {
    this.count('AddTagsToResource');
    await this.client.send(
      new AddTagsToResourceCommand({
        ResourceName: arn,
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
  }

  async removeTags(arn: string, keys: string[]): Promise<void> {
    this.count('RemoveTagsFromResource');
    await this.client.send(new RemoveTagsFromResourceCommand({ ResourceName: arn, TagKeys: keys }));
  }
}
