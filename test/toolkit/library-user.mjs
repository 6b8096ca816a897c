// A program using mesh as a library, as the README shows: it imports the package by its name (package.json
// "exports" → dist/toolkit/index.js), lays out the example, plans, applies and subscribes on the local target, and
// prints what it got back as one JSON document. Run by test/toolkit/library.test.ts: node library-user.mjs <folder>
import { createToolkit } from 'mesh-cli';

const root = process.argv[2];
const codes = new Set();
const host = { notify: (message) => codes.add(message.code), request: async (request) => request.defaultAnswer };
const mesh = createToolkit({ cwd: root, target: 'local', host });

const init = await mesh.init({ example: 'music-streaming' });
const { plan } = await mesh.plan();
const applied = await mesh.apply();
const subscribed = await mesh.subscribe({ product: 'songs', domain: 'analytics', table: true });
const replanned = await mesh.plan();
const query = await mesh.query('analytics', 'SELECT count(*) AS n FROM songs');

process.stdout.write(
  JSON.stringify({
    created: init.created.length,
    planned: plan.summary,
    applied: applied.result?.applied.length ?? 0,
    subscribed: { recorded: subscribed.recorded, file: subscribed.file, changes: subscribed.result?.applied.map((c) => c.key) ?? [] },
    pending: replanned.plan.changes.filter((c) => c.action !== 'noop').map((c) => c.key),
    rows: query.rows,
    messages: [...codes].sort(),
  }),
);
