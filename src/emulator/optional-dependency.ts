// The emulator's DynamoDB runs on dynalite, an optional dependency of the package: it brings a
// native store (classic-level) that library and Lambda users never need, and whose install may fail
// where no prebuilt binary exists. Without it, starting the emulator says what to install.
import { createRequire } from 'node:module';
import { AcmError, errorMessage } from '../util/errors.ts';

export class EmulatorDependencyError extends AcmError {
  constructor(packageName: string, cause: unknown) {
    super(
      `the local emulator needs the optional package ${packageName}, which cannot be loaded (install it: npm install ${packageName}): ${errorMessage(cause)}`,
      { package: packageName },
      { cause },
    );
  }
}

/** Loads `packageName` (CommonJS) as the emulator's services will, or says why it cannot. */
export function requireOptional(packageName: string): void {
  try {
    createRequire(import.meta.url)(packageName);
  } catch (err) {
    throw new EmulatorDependencyError(packageName, err);
  }
}
