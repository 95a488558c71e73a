// A throw-away git checkout holding build.sh and the manager template, and stand-ins for commands
// that record each call (name and arguments, tab-separated, one line a call) in $CALLS_LOG.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './cfn.ts';

export const BASH = execFileSync('bash', ['-c', 'command -v bash'], { encoding: 'utf8' }).trim();

// `npm run build` must leave a bundle behind, as the real one does.
const NPM_BUILD = `if [ "$*" = "run build" ]; then mkdir -p dist/lambda; echo 'export const handler = async () => {};' >dist/lambda/index.js; fi`;

export interface Fixture {
  work: string;
  repo: string;
  /** Folder with recording `aws` and `npm` stand-ins. */
  stubs: string;
  /** Folder with only the recording `npm` stand-in. */
  npmOnly: string;
  sha: string;
}

function recorder(dir: string, name: string, extra = '') {
  const file = join(dir, name);
  writeFileSync(
    file,
    `#!${BASH}\nset -eu\n{ printf '%s' '${name}'; for a in "$@"; do printf '\\t%s' "$a"; done; printf '\\n'; } >>"$CALLS_LOG"\n${extra}\n`,
  );
  chmodSync(file, 0o755);
}

export function makeFixture(prefix: string): Fixture {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const repo = join(work, 'checkout');
  const stubs = join(work, 'bin');
  const npmOnly = join(work, 'npm-only');
  for (const dir of [join(repo, 'infra'), stubs, npmOnly]) mkdirSync(dir, { recursive: true });
  copyFileSync(join(repoRoot, 'build.sh'), join(repo, 'build.sh'));
  copyFileSync(join(repoRoot, 'infra/template.yaml'), join(repo, 'infra/template.yaml'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd: repo,
      encoding: 'utf8',
    }).trim();
  git('init', '-q');
  git('remote', 'add', 'origin', 'git@github.com:acme/aurora-clone-manager.git');
  writeFileSync(join(repo, '.gitignore'), 'dist/\n');
  git('add', '.');
  git('commit', '-qm', 'fixture');
  recorder(stubs, 'aws');
  recorder(stubs, 'npm', NPM_BUILD);
  recorder(npmOnly, 'npm', NPM_BUILD);
  return { work, repo, stubs, npmOnly, sha: git('rev-parse', 'HEAD') };
}

export function readCalls(log: string): string[][] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'));
}
