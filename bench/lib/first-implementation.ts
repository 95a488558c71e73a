// The inventory read of the first implementation, kept only as a baseline: page through
// DescribeDBClusters, ignore the TagList that comes inline, and ask ListTagsForResource for every
// cluster, one after the other (N + pages calls per request). It reads every page (the original
// stopped after the first, which was a bug, not a saving).
import { DescribeDBClustersCommand, ListTagsForResourceCommand, RDSClient } from '@aws-sdk/client-rds';
import type { AwsConfig } from '../../src/aws/config.ts';

export interface BaselineCluster {
  id: string;
  arn: string;
  status: string;
  tags: Record<string, string>;
}

export function baselineClient(aws: AwsConfig): RDSClient {
  return new RDSClient({
    region: aws.region ?? 'us-east-1',
    ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
    ...(aws.credentials ? { credentials: aws.credentials } : {}),
  });
}

export async function baselineInventory(client: RDSClient): Promise<BaselineCluster[]> {
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
    if (!marker) break;
  }
  for (const c of clusters) {
    const r = await client.send(new ListTagsForResourceCommand({ ResourceName: c.arn }));
    for (const t of r.TagList ?? []) if (t.Key) c.tags[t.Key] = t.Value ?? '';
  }
  return clusters;
}
