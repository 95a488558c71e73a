// RDS faults as the wire carries them: the `code` clients match (from the botocore model's
// error shapes, e.g. DBInstanceNotFoundFault is sent as `DBInstanceNotFound`) and its HTTP status.

export class RdsFault extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export const faults = {
  clusterExists: (id: string) =>
    new RdsFault('DBClusterAlreadyExistsFault', 400, `DB Cluster ${id} already exists`),
  clusterNotFound: (id: string) => new RdsFault('DBClusterNotFoundFault', 404, `DBCluster ${id} not found.`),
  instanceExists: (id: string) =>
    new RdsFault('DBInstanceAlreadyExists', 400, `DB instance ${id} already exists`),
  instanceNotFound: (id: string) => new RdsFault('DBInstanceNotFound', 404, `DBInstance ${id} not found.`),
  invalidClusterState: (message: string) => new RdsFault('InvalidDBClusterStateFault', 400, message),
  invalidInstanceState: (message: string) => new RdsFault('InvalidDBInstanceState', 400, message),
  invalidValue: (message: string) => new RdsFault('InvalidParameterValue', 400, message),
  combination: (message: string) => new RdsFault('InvalidParameterCombination', 400, message),
  missing: (name: string) =>
    new RdsFault('MissingParameter', 400, `The request must contain the parameter ${name}`),
  invalidRestore: (message: string) => new RdsFault('InvalidRestoreFault', 400, message),
  clusterQuota: () =>
    new RdsFault(
      'DBClusterQuotaExceededFault',
      403,
      'Cannot create more than the allowed number of DB clusters.',
    ),
  instanceQuota: () =>
    new RdsFault('InstanceQuotaExceeded', 400, 'Cannot create more than the allowed number of DB instances.'),
  snapshotExists: (id: string) =>
    new RdsFault(
      'DBClusterSnapshotAlreadyExistsFault',
      400,
      `Cannot create the snapshot because a snapshot with the identifier ${id} already exists.`,
    ),
};
