// The engine as it stood at an earlier commit, built beside this checkout so that the engine
// benchmark can time it in the same run as today's engine: a speed-up is only worth quoting
// when both sides ran on the same machine at the same moment.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The engine before issue 12's work on it ("twice as fast as today"): the commit just before
 * the first engine speed-up of that issue. `--baseline REV` picks another.
 */
export const DEFAULT_ENGINE_BASELINE = '415423f';

/**
 * Builds `packages/engine` as of `rev` into `bench/.baseline/<commit>/` (ignored by git, reused
 * on the next run) and imports it. Inside the checkout, so the build resolves re2js and semver
 * from the workspace's node_modules. Returns `{module, commit}`, or `{error}` when the history
 * is not there (a shallow clone) or the old sources do not build.
 */
export async function loadBaselineEngine(rev) {
  let commit;
  try {
    commit = git(['rev-parse', '--short', `${rev}^{commit}`]).trim();
  } catch {
    return { error: `commit ${rev} is not in this clone's history (a shallow clone?)` };
  }
  const dir = join(ROOT, 'bench', '.baseline', commit);
  const entry = join(dir, 'packages', 'engine', 'dist', 'index.js');
  if (!existsSync(entry)) {
    try {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const archive = execFileSync('git', ['archive', commit, 'packages/engine', 'tsconfig.base.json'], {
        cwd: ROOT,
        maxBuffer: 64 * 1024 * 1024,
      });
      execFileSync('tar', ['-x', '-C', dir], { input: archive });
      execFileSync(
        process.execPath,
        [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'packages', 'engine')],
        {
          cwd: dir,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      return {
        error: `could not build the engine of ${commit}: ${String(error.stderr ?? error.message).slice(0, 300)}`,
      };
    }
  }
  return { module: await import(pathToFileURL(entry).href), commit };
}

function git(args) {
  return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}
