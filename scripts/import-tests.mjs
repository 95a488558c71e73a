// Loads the test files it is given into this one process, in order; Node's test runner runs their
// tests one after another and reports them all (./run-tests.mjs).
//
// Node's runner starts a test as soon as it is declared, and loading a file can keep the event
// loop busy for half a second: a test of an earlier file would then time its timers across the
// loading of a later one. So the first test waits until every file is loaded (the runner runs the
// top-level tests one at a time), and fails naming each file that could not be loaded; the files
// after it are loaded all the same.

import { resolve } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

const files = process.argv.slice(2);
const unloadable = [];
let allLoaded;
const loading = new Promise((done) => {
  allLoaded = done;
});

test(`every one of the ${files.length} test files loads`, async () => {
  await loading;
  if (unloadable.length > 0) {
    throw new Error(
      `could not load:\n${unloadable.map(({ file, err }) => `${file}: ${err?.stack ?? err}`).join('\n')}`,
    );
  }
});

for (const file of files) {
  try {
    await import(pathToFileURL(resolve(file)).href);
  } catch (err) {
    unloadable.push({ file, err });
  }
}
allLoaded();
