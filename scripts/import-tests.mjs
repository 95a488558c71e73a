// Loads the test files it is given into this one process, in order; Node's test runner, loaded by
// the first of them, runs their tests one after another and reports them all (./run-tests.mjs).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

for (const file of process.argv.slice(2)) await import(pathToFileURL(resolve(file)).href);
