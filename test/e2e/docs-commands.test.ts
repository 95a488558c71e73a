// Docs that work as printed: every command in the shell blocks of README.md and docs/*.md runs here,
// against the emulator, and ends with exit 0 or the code its `# exit N` comment documents.
//
// The convention, for whoever writes a doc:
// - ```sh (or bash): commands only, each run in order in one shell per block (so `export` and `eval`
//   carry to the next line), in one working folder per document (so a file written by one block is
//   there for the next). A trailing `# exit N` documents a command that fails on purpose. The
//   documents run side by side on one emulator holding the source cluster `prod`: each names
//   clusters of its own.
// - ```sh title="needs AWS": commands that need a real AWS account (`aws …` against AWS, build.sh):
//   listed as skipped, and they may hold nothing else.
// - The README's quick start is run by readme-quickstart.test.ts; here its two lines are only checked.
// - Anything that is not a command (output, diagrams, the CLI synopsis) goes in a ```text block or one
//   of another language; a block without a language must not look like commands.
//
// What is replaced, and nothing else: `npx aurora-clone-manager` and `aurora-clone-manager` run the CLI
// from source; the emulator URL of the docs (http://127.0.0.1:4510) is this test's emulator, and an
// `emulator --port 4510` the docs start gets a free port instead (4510 may be taken here). A block
// that does not name that URL is written for "your account": it gets this test's emulator through the
// environment (AWS_ENDPOINT_URL, AWS_REGION, dummy credentials), as a user's shell would give AWS.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { COMMON_OPTIONS } from '../../src/cli/args.ts';
import { commandHelp } from '../../src/cli/command.ts';
import { EMULATOR_HELP } from '../../src/cli/commands/emulator.ts';
import { COMMANDS } from '../../src/cli/main.ts';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import { CLI_BIN, ensureBuilt } from '../helpers/built.ts';
import { cliEnv, ROOT } from '../helpers/cli-process.ts';

const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)].filter((f) =>
  f.endsWith('.md'),
);
const execFileAsync = promisify(execFile);
const DOCS_ENDPOINT = 'http://127.0.0.1:4510';
const NEEDS_AWS = 'title="needs AWS"';
const SHELLS = ['sh', 'bash', 'shell'];

interface Block {
  file: string;
  line: number;
  section: string;
  lang: string;
  meta: string;
  text: string;
}

/** The fenced blocks of a Markdown file (also indented ones, inside list items), with their heading. */
function blocksOf(file: string): Block[] {
  const blocks: Block[] = [];
  let section = '';
  let open: (Omit<Block, 'text'> & { indent: number; body: string[] }) | undefined;
  readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (open) {
        if (/^\s*```\s*$/.test(line)) {
          const { indent, body, ...block } = open;
          blocks.push({ ...block, text: body.map((l) => l.slice(indent)).join('\n') });
          open = undefined;
        } else open.body.push(line);
        return;
      }
      const heading = /^#{1,6} (.*)/.exec(line);
      if (heading) section = heading[1]!;
      const fence = /^(\s*)```(\S*)\s*(.*)$/.exec(line);
      if (fence) {
        const [, indent, lang, meta] = fence as unknown as [string, string, string, string];
        open = { file, line: i + 1, section, lang, meta, indent: indent.length, body: [] };
      }
    });
  assert.equal(open, undefined, `${file}: a code block opened at line ${open?.line} is not closed`);
  return blocks;
}

interface Command {
  text: string;
  expectedExit: number;
}

/** Commands of a shell block: lines joined over trailing backslashes; comment lines and blank ones left out. */
function commandsOf(block: Block): Command[] {
  const commands: Command[] = [];
  let current: string[] = [];
  for (const line of block.text.split('\n')) {
    if (current.length === 0 && /^\s*(#.*)?$/.test(line)) continue;
    current.push(line);
    if (line.endsWith('\\')) continue;
    const text = current.join('\n');
    const exit = /\s#\s*exit (\d+)\b/.exec(current.at(-1)!);
    commands.push({ text, expectedExit: exit ? Number(exit[1]) : 0 });
    current = [];
  }
  assert.equal(current.length, 0, `${where(block)}: the last command ends in a backslash`);
  return commands;
}

const where = (b: Block) => `${b.file}:${b.line} (${b.section})`;
const isShell = (b: Block) => SHELLS.includes(b.lang);
const isQuickStart = (b: Block) => b.file === 'README.md' && /^quick ?start/i.test(b.section);
const runnable = (b: Block) => isShell(b) && !b.meta.includes(NEEDS_AWS) && !isQuickStart(b);
/** The program a command line runs, past any `NAME=value` assignments before it. */
const program = (c: Command) =>
  c.text
    .replace(/\\\n\s*/g, ' ')
    .replace(/^(\w+=('[^']*'|"[^"]*"|\S*)\s+)*/, '')
    .replace(/^npx /, '');

const blocks = DOCS.flatMap(blocksOf);

// The documents run side by side, each in shells of its own.
describe('the shell blocks of README.md and docs/*.md', { concurrency: true }, () => {
  let emulator: RunningEmulator;
  let work: string;
  const bin = () => join(work, 'bin');

  before(async () => {
    // Every RDS change at once: the commands wait on nothing but their own start and first check.
    emulator = await startEmulator({ port: 0, timeScale: 0 });
    emulator.createSourceCluster({ id: 'prod' });
    work = mkdtempSync(join(tmpdir(), 'acm-docs-'));
    mkdirSync(join(work, 'home'));
    mkdirSync(bin());
    // The binary the docs call: the published command, as test/helpers/cli-process.ts runs it.
    ensureBuilt();
    const script = `#!/bin/sh\nexec '${process.execPath}' '${CLI_BIN}' "$@"\n`;
    writeFileSync(join(bin(), 'aurora-clone-manager'), script, { mode: 0o755 });
  });
  after(async () => {
    await emulator?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** The environment of a block: no AWS settings of the shell running the tests, a home of its own. */
  function envFor(block: Block): NodeJS.ProcessEnv {
    const yourAccount = !block.text.includes(DOCS_ENDPOINT);
    return cliEnv({
      HOME: join(work, 'home'),
      PATH: `${bin()}:${process.env.PATH}`,
      ...(yourAccount
        ? {
            AWS_ENDPOINT_URL: emulator.url,
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'docs',
            AWS_SECRET_ACCESS_KEY: 'docs',
          }
        : {}),
    });
  }

  const asPrinted = (text: string) =>
    text
      .replaceAll(DOCS_ENDPOINT, emulator.url)
      .replace(/\bnpx aurora-clone-manager\b/g, 'aurora-clone-manager');

  test('no block is left out: every shell block runs here, is marked as needing AWS, or is the quick start', (t) => {
    assert.ok(
      blocks.some((b) => b.file.startsWith('docs/')),
      'expected code blocks in docs/',
    );
    const skipped: string[] = [];
    for (const b of blocks) {
      assert.notEqual(b.lang, 'console', `${where(b)}: use \`\`\`sh (commands only), not console`);
      if (!isShell(b)) {
        if (b.lang === '') {
          const commandLike = b.text
            .split('\n')
            .find((l) => /^\s*(\$ |npx |aurora-clone-manager |aws |\.\/)/.test(l));
          assert.equal(commandLike, undefined, `${where(b)}: commands in a block without a language`);
        }
        continue;
      }
      if (isQuickStart(b)) {
        // readme-quickstart.test.ts runs the first in a clean clone; CI runs the second.
        assert.match(b.text.trim(), /^npm ci && (npx aurora-clone-manager demo|npm test)$/, where(b));
        skipped.push(`${where(b)}: ${b.text.trim()} (quick start: test/e2e/readme-quickstart.test.ts)`);
      } else if (b.meta.includes(NEEDS_AWS)) {
        for (const c of commandsOf(b)) {
          assert.match(
            program(c),
            /^(aws (?!--endpoint-url http:\/\/127)|\.\/build\.sh\b|\.\/create-build-stack\.sh\b)/,
            `${where(b)} is marked as needing AWS, but this runs here: ${c.text}`,
          );
        }
        skipped.push(`${where(b)}: ${commandsOf(b).length} command(s), ${NEEDS_AWS}`);
      } else {
        assert.ok(commandsOf(b).length > 0, `${where(b)}: an empty shell block`);
      }
    }
    t.diagnostic(`not run here (${skipped.length}):\n${skipped.join('\n')}`);
    assert.ok(skipped.length > 0);
    assert.ok(blocks.filter(runnable).length >= 3, 'expected runnable blocks in README.md and docs/');
  });

  for (const file of DOCS) {
    const mine = blocks.filter((b) => b.file === file && runnable(b));
    if (mine.length === 0) continue;
    test(`${file}: every command runs as printed`, async () => {
      const cwd = mkdtempSync(join(work, 'cwd-'));
      for (const block of mine) {
        const commands = commandsOf(block);
        const server = commands.find((c) => /^aurora-clone-manager emulator\b/.test(program(c)));
        if (server) {
          assert.equal(
            commands.length,
            1,
            `${where(block)}: the emulator serves until Ctrl-C: give it a block of its own`,
          );
          await runEmulatorCommand(asPrinted(server.text), envFor(block), cwd, where(block));
        } else {
          await runBlock(block, commands, envFor(block), cwd);
        }
      }
    });
  }

  /** One shell for the block; after each command its exit status goes to a file, so each is checked. */
  async function runBlock(block: Block, commands: Command[], env: NodeJS.ProcessEnv, cwd: string) {
    const statusFile = join(cwd, '.status');
    writeFileSync(statusFile, '');
    const script = commands
      .map(
        (c, i) =>
          `printf '\\n@@%s\\n' ${i}; printf '\\n@@%s\\n' ${i} >&2\n${asPrinted(c.text)}\necho "$?" >> '${statusFile}'`,
      )
      .join('\n');
    const run = await shell(block.lang === 'sh' ? 'sh' : 'bash', script, env, cwd);
    const statuses = readFileSync(statusFile, 'utf8').split('\n').filter(Boolean).map(Number);
    commands.forEach((c, i) => {
      const part = (text: string) =>
        text.split(/\n@@\d+\n/)[i + 1]?.trim() ?? '(no output: the shell stopped before it)';
      assert.equal(
        statuses[i],
        c.expectedExit,
        `${where(block)}: \`${c.text}\` exited ${statuses[i]}, expected ${c.expectedExit}\nstdout:\n${part(run.stdout)}\nstderr:\n${part(run.stderr)}`,
      );
    });
  }

  /** `aurora-clone-manager emulator …` serves until Ctrl-C: it prints its URL, seeds, and stops on SIGINT. */
  async function runEmulatorCommand(text: string, env: NodeJS.ProcessEnv, cwd: string, at: string) {
    // Its port is the one thing changed: 4510 may be taken on this machine.
    const child = spawn('sh', ['-c', `exec ${text.replace(/--port 4510\b/, '--port 0')}`], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const ready = await Promise.race([
        new Promise<boolean>((resolve) => {
          const check = () => /stop with Ctrl-C/.test(stderr) && resolve(true);
          child.stderr.on('data', check);
        }),
        exited.then(() => false),
      ]);
      assert.ok(ready, `${at}: the emulator did not start\n${stdout}\n${stderr}`);
      const url = stdout.split('\n')[0]!;
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/, `${at}: its first line is its URL`);
      assert.match(stderr, /created source cluster prod\b/, at);
      // It answers only once it has gone on past that line to wait for Ctrl-C: then SIGINT is handled.
      const stats = (await (await fetch(`${url}/_emulator/stats`)).json()) as { rds: { clusters: number } };
      assert.equal(stats.rds.clusters, 1, `${at}: --seed-source made the one cluster`);
      child.kill('SIGINT');
      assert.equal(await exited, 0, `${at}: Ctrl-C stops it cleanly\n${stderr}`);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
});

/** A shell's output, whatever its exit status: each command's own status is in the status file. */
async function shell(sh: string, script: string, env: NodeJS.ProcessEnv, cwd: string) {
  const { stdout, stderr } = await execFileAsync(sh, ['-c', script], { cwd, env }).catch(
    (err: { stdout: string; stderr: string }) => err,
  );
  return { stdout, stderr };
}

describe("the README's CLI synopsis", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('\n## CLI\n'),
    readme.indexOf('\n## ', readme.indexOf('\n## CLI\n') + 1),
  );
  const synopsis = blocks.find((b) => b.file === 'README.md' && b.section === 'CLI' && b.lang === 'text');
  // One entry a command: its line and the indented lines that continue it.
  const entries = new Map(
    (synopsis?.text ?? '')
      .split(/\n(?=aurora-clone-manager )/)
      .map((entry) => [entry.split(' ')[1]!, entry] as const),
  );
  const flagsIn = (text: string) => [...new Set(text.match(/--[a-z][a-z-]*/g) ?? [])];
  // Its options are the lines that start with one (the example below them uses the AWS CLI's).
  const emulatorFlags = [...EMULATOR_HELP.matchAll(/^\s+(--[a-z-]+)/gm)]
    .map((m) => m[1]!)
    .filter((f) => f !== '--help');

  test('lists every command once', () => {
    assert.ok(synopsis, 'README.md has a ```text block under "## CLI"');
    assert.equal(
      entries.size,
      synopsis.text.split(/\n(?=aurora-clone-manager )/).length,
      'a command listed twice',
    );
    assert.deepEqual([...entries.keys()].sort(), [...COMMANDS.map((c) => c.name), 'emulator'].sort());
  });

  test('gives each command all of its own flags, and only flags its --help knows', () => {
    for (const command of COMMANDS) {
      const entry = entries.get(command.name) ?? '';
      const help = commandHelp(command);
      for (const flag of flagsIn(entry)) {
        assert.match(help, new RegExp(`${flag}\\b`), `${command.name}: ${flag} is not in its --help`);
      }
      for (const option of Object.keys(command.options)) {
        assert.ok(flagsIn(entry).includes(`--${option}`), `${command.name}: --${option} is missing`);
      }
    }
    const emulator = entries.get('emulator') ?? '';
    assert.deepEqual(flagsIn(emulator).sort(), emulatorFlags.sort(), 'emulator: flags as in its --help');
  });

  test('names every option the AWS commands share', () => {
    for (const option of Object.keys(COMMON_OPTIONS)) {
      assert.match(section, new RegExp(`--${option}\\b`), `--${option} is not in the README's CLI section`);
    }
  });
});

describe('the links of README.md and docs/*.md', () => {
  /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
  const anchor = (heading: string) =>
    heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
  const anchorsOf = (file: string) =>
    new Set(
      readFileSync(file, 'utf8')
        .replace(/```[\s\S]*?```/g, '')
        .split('\n')
        .filter((l) => /^#{1,6} /.test(l))
        .map((l) => anchor(l.replace(/^#+ /, ''))),
    );

  test('every relative link names a file that exists, and a heading that does', () => {
    for (const doc of DOCS) {
      const text = readFileSync(join(ROOT, doc), 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [path, fragment] = target!.split('#') as [string, string | undefined];
        const file = path ? join(ROOT, dirname(doc), path) : join(ROOT, doc);
        assert.ok(existsSync(file), `${doc}: link to ${target}: no such file`);
        if (fragment) assert.ok(anchorsOf(file).has(fragment), `${doc}: link to ${target}: no such heading`);
      }
    }
  });
});
