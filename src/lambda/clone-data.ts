// The custom resource's `Data` (what Fn::GetAtt reads), from a provision result or a described
// cluster. Every attribute is always present (empty when not applicable) so GetAtt never fails on
// a missing key.
import type { CloneDescription, ProvisionResult } from '../model/api.ts';

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
  return dataFromClone({
    ...r,
    passwordPending: false,
    ...(r.sourceClusterId ? { sourceClusterId: r.sourceClusterId } : {}),
    ...(r.dataTimestamp ? { dataTimestamp: r.dataTimestamp } : {}),
  });
}

export function dataFromClone(c: CloneDescription): CloneData {
  return {
    Arn: c.arn,
    ClusterId: c.clusterId,
    Endpoint: c.endpoint ?? '',
    ReaderEndpoint: c.readerEndpoint ?? '',
    Port: c.port === undefined ? '' : String(c.port),
    PasswordSecret: c.passwordSecret ?? '',
    KmsKeyId: c.kmsKeyId ?? '',
    SourceClusterId: c.sourceClusterId ?? '',
    DataTimestamp: c.dataTimestamp ?? '',
  };
}
