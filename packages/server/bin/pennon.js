#!/usr/bin/env node
// Committed, unlike dist/: npm links a package's bin at install time only if the target exists,
// and a fresh clone's first install links before `prepare` has built dist/.
try {
  await import('../dist/main.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/main.js')) throw error;
  process.stderr.write('pennon: the server is not built yet; run `npm run build` at the repository root.\n');
  process.exit(1);
}
