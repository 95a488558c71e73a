// The library's four entry points (src/engine/types.ts documents their contract).
export { deleteClone } from './delete.ts';
export { describePool } from './describe.ts';
export { maintainPool } from './maintain.ts';
export { provisionClone } from './provision.ts';
