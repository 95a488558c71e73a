// The inventory read of the first implementation, kept only as a baseline, in two forms:
// - as it was: one DescribeDBClusters call (the first page, 100 clusters), ignoring the TagList that
//   comes inline, then ListTagsForResource for every cluster on it, one after the other. Above 100
//   clusters it does not see the rest of the account, so its slot count can be wrong;
// - corrected: every page, then ListTagsForResource for every cluster (N + pages calls).
import { DescribeDBClustersCommand, ListTagsForResourceCommand, RDSClient } from '@aws-sdk/client-rds';
import type { AwsConfig } from '../../src/aws/config.ts';

export interface BaselineCluster {
  id: string;
  arn: string;
  status: string;
  tags: Record<string, string>;
}

export interface BaselineRead {
  clusters: BaselineCluster[];
  /** False when pages were left unread (the account holds more than the read saw). */
  complete: boolean;
}

export function baselineClient(aws: AwsConfig): RDSClient {
  return new RDSClient({
    region: aws.region ?? 'us-east-1',
    ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
    ...(aws.credentials ? { credentials: aws.credentials } : {}),
  });
}

export async function baselineInventory(
  client: RDSClient,
  pages: 'first page only' | 'every page',
): Promise<BaselineRead> {
  const clusters: BaselineCluster[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const r = await client.send(new DescribeDBClustersCommand({ MaxRecords: 100, Marker: marker }));
    for (const c of r.DBClusters ?? []) {
      clusters.push({
        id: c.DBClusterIdentifier ?? '',
        arn: c.DBClusterArn ?? '',
        status: c.Status ?? '',
        tags: {},
      });
    }
    marker = r.Marker;
    if (!marker || pages === 'first page only') break;
  }
  for (const c of clusters) {
    const r = await client.send(new ListTagsForResourceCommand({ ResourceName: c.arn }));
    for (const t of r.TagList ?? []) if (t.Key) c.tags[t.Key] = t.Value ?? '';
  }
  return { clusters, complete: marker === undefined };
}
