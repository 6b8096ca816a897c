#!/usr/bin/env node
// The published entry point: a tiny shim over the compiled CLI. Heavy modules load inside each command.
import { main } from '../dist/cli/main.js';

await main(process.argv);
