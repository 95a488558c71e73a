// `--state FILE`: every service's snapshot in one JSON document, written atomically (a temporary
// file in the same folder, then rename), so a crash never leaves a half-written state behind.

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EmulatedService } from './service.ts';

export const STATE_FILE_VERSION = 1;

export interface StateDocument {
  version: typeof STATE_FILE_VERSION;
  savedAt: string;
  services: Record<string, unknown>;
}

export function stateDocument(services: readonly EmulatedService[], now: Date): StateDocument {
  const out: Record<string, unknown> = {};
  for (const s of services) if (s.snapshot) out[s.name] = s.snapshot();
  return { version: STATE_FILE_VERSION, savedAt: now.toISOString(), services: out };
}

/** Compares the services part only, so an unchanged state is not rewritten. */
export function servicesJson(doc: StateDocument): string {
  return JSON.stringify(doc.services);
}

export function writeStateAtomically(path: string, doc: StateDocument): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(doc, null, 1)}\n`, { mode: 0o600 });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Loads the file (if any) into the services; returns whether there was one. */
export function loadState(path: string, services: readonly EmulatedService[]): boolean {
  if (!existsSync(path)) return false;
  let doc: Partial<StateDocument>;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as Partial<StateDocument>;
  } catch (err) {
    throw new Error(`emulator state file ${path} is not valid JSON`, { cause: err });
  }
  if (doc.version !== STATE_FILE_VERSION || typeof doc.services !== 'object' || doc.services === null) {
    throw new Error(
      `emulator state file ${path} has an unknown format (expected version ${STATE_FILE_VERSION})`,
    );
  }
  for (const s of services) {
    const saved = (doc.services as Record<string, unknown>)[s.name];
    if (saved !== undefined && s.restore) s.restore(saved);
  }
  return true;
}
