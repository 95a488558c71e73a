// The custom resource's `Data` (what Fn::GetAtt reads), from a provision result or a described
// cluster. Every attribute is always present (empty when not applicable) so GetAtt never fails on
// a missing key.
import type { DBCluster } from '../aws/rds.ts';
import { toClusterInfo } from '../inventory/read.ts';
import type { ProvisionResult } from '../model/api.ts';

export type CloneData = Record<
  | 'Arn'
  | 'ClusterId'
  | 'Endpoint'
  | 'ReaderEndpoint'
  | 'Port'
  | 'PasswordSecret'
  | 'KmsKeyId'
  | 'SourceClusterId'
  | 'DataTimestamp',
  string
>;

const CLUSTER_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:([A-Za-z][A-Za-z0-9-]*)$/;

/** True for an RDS DB cluster ARN (anything else as a physical id is a failed Create's marker). */
export function isClusterArn(id: string | undefined): id is string {
  return !!id && CLUSTER_ARN.test(id);
}

export function clusterIdFromArn(arn: string): string {
  return CLUSTER_ARN.exec(arn)?.[1] ?? arn;
}

export function dataFromResult(r: ProvisionResult): CloneData {
  return {
    Arn: r.arn,
    ClusterId: r.clusterId,
    Endpoint: r.endpoint ?? '',
    ReaderEndpoint: r.readerEndpoint ?? '',
    Port: r.port === undefined ? '' : String(r.port),
    PasswordSecret: r.passwordSecret ?? '',
    KmsKeyId: r.kmsKeyId ?? '',
    SourceClusterId: r.sourceClusterId,
    DataTimestamp: r.dataTimestamp,
  };
}

export function dataFromCluster(c: DBCluster): CloneData {
  const info = toClusterInfo(c);
  const m = info.managed;
  return {
    Arn: info.arn,
    ClusterId: info.id,
    Endpoint: info.endpoint ?? '',
    ReaderEndpoint: info.readerEndpoint ?? '',
    Port: info.port === undefined ? '' : String(info.port),
    PasswordSecret: m?.passwordSecret ?? c.MasterUserSecret?.SecretArn ?? '',
    KmsKeyId: m?.passwordKey ?? c.MasterUserSecret?.KmsKeyId ?? '',
    SourceClusterId: m ? clusterIdFromArn(m.sourceArn) : '',
    DataTimestamp: m?.dataTimestamp?.toISOString() ?? '',
  };
}
