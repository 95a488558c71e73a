// One AWS account in virtual time: the emulator with AWS-like durations, a source cluster of a given
// size, and SDK clients whose commands the virtual clock waits for before it moves. The engine gets
// them as adapters (ManagerOptions.clients), built once, so each operation reuses them as the
// process's own would be.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import type { AwsConfig } from '../../../src/aws/config.ts';
import { DynamoDbAdapter } from '../../../src/aws/dynamodb.ts';
import { RdsAdapter } from '../../../src/aws/rds.ts';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/index.ts';
import type { ManagerOptions } from '../../../src/model/api.ts';
import { InFlight, VirtualClock } from '../virtual-time.ts';

export const SOURCE = 'prod';
export const SOURCE_ENGINE = 'aurora-postgresql';
export const SOURCE_CLASS = 'db.r6g.large';

export interface Account {
  clock: VirtualClock;
  emulator: RunningEmulator;
  inFlight: InFlight;
  /** A plain SDK client on the account, for callers that are not the product. */
  rds: RDSClient;
  /** What the engine is called with: this account, this clock, the lease table. */
  options: ManagerOptions;
  stop(): Promise<void>;
}

export async function virtualAccount(clockStart: number, sourceSizeGiB: number): Promise<Account> {
  const clock = new VirtualClock(clockStart);
  const emulator = await startEmulator({
    clock,
    awsTimings: true,
    quotas: { clusters: 1000, instances: 1000 },
  });
  emulator.createSourceCluster({
    id: SOURCE,
    engine: SOURCE_ENGINE,
    instanceClass: SOURCE_CLASS,
    sizeGiB: sourceSizeGiB,
    createdAt: new Date(clockStart - 365 * 86_400_000),
  });
  const aws: AwsConfig = {
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  };
  const inFlight = new InFlight();
  const rds = inFlight.watch(
    new RDSClient({ endpoint: emulator.url, region: 'us-east-1', credentials: aws.credentials }),
  );
  const dynamodb = inFlight.watch(
    new DynamoDBClient({ endpoint: emulator.url, region: 'us-east-1', credentials: aws.credentials }),
  );
  const options: ManagerOptions = {
    aws,
    clients: { rds: new RdsAdapter(rds), dynamodb: new DynamoDbAdapter(dynamodb) },
    clock,
    managerId: 'bench',
    leaseTable: 'aurora-clone-manager-leases',
  };
  return {
    clock,
    emulator,
    inFlight,
    rds,
    options,
    stop: async () => {
      rds.destroy();
      dynamodb.destroy();
      await emulator.stop();
    },
  };
}
