// Reads a V8 `.cpuprofile` (written by `node --cpu-prof`) and lists where the time went, so a
// benchmark can say which functions of the server are hot without a profiler UI.
//
// Samples can be restricted to time windows: V8 stamps samples with the monotonic clock that
// process.hrtime() also reads on Linux, so windows measured in the load generator's process
// select the samples the server took during that endpoint's timed run.

import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Parse a profile and attribute each sample to its node, with its timestamp (µs). */
export function loadCpuProfile(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const times = [];
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    times.push(t);
  }
  return { profile, nodes, parents, times };
}

const sourceMaps = new Map();

/** Map a compiled `dist/*.js` position to its TypeScript source when a `.js.map` sits beside it. */
function originalPosition(url, line, column) {
  if (!url.startsWith('file://') || url.includes('/node_modules/')) return undefined;
  let map = sourceMaps.get(url);
  if (map === undefined) {
    try {
      const path = fileURLToPath(url);
      map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')));
      map.dir = path.slice(0, path.lastIndexOf('/') + 1);
    } catch {
      map = null;
    }
    sourceMaps.set(url, map);
  }
  if (!map) return undefined;
  const entry = map.findEntry(line, column);
  if (!entry?.originalSource) return undefined;
  const source = new URL(entry.originalSource, `file://${map.dir}`).pathname;
  return { file: source, line: entry.originalLine + 1 };
}

function shortPath(path, root) {
  let p = path.replace(/^file:\/\//, '');
  if (root && p.startsWith(root)) p = p.slice(root.length);
  const nm = p.lastIndexOf('/node_modules/');
  if (nm >= 0) p = p.slice(nm + '/node_modules/'.length);
  return p;
}

/** Where a frame lives: `file:line` (TypeScript source for our dist files), or a V8 category. */
function location(callFrame, root) {
  const { url, lineNumber, columnNumber, functionName } = callFrame;
  if (!url) return { name: functionName || '(anonymous)', where: '', group: `(${functionName || 'native'})` };
  const original = originalPosition(url, lineNumber, columnNumber);
  const file = original ? shortPath(original.file, root) : shortPath(url, root);
  const line = original ? original.line : lineNumber + 1;
  return { name: functionName || '(anonymous)', where: `${file}:${line}`, group: groupOf(file) };
}

/** Coarse owner of a file: an npm package, one of our packages' folders, or Node's internals. */
function groupOf(file) {
  if (file.startsWith('node:')) return 'node: internals';
  if (file.startsWith('packages/')) return file.split('/').slice(0, 4).join('/').replace(/\.[jt]s:.*$/, '');
  const parts = file.split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

/**
 * Self and inclusive time per function, and self time per package/folder, over the samples
 * whose timestamps fall in one of `windows` ([startUs, endUs] pairs; all samples when empty).
 */
export function summarizeCpuProfile(loaded, { windows = [], root = '', top = 15 } = {}) {
  const { profile, nodes, parents, times } = loaded;
  const inWindow = (t) => windows.length === 0 || windows.some(([a, b]) => t >= a && t <= b);
  const self = new Map();
  const inclusive = new Map();
  const groups = new Map();
  let total = 0;
  let idle = 0;
  const frames = new Map();
  const frameOf = (node) => {
    let frame = frames.get(node.id);
    if (!frame) {
      frame = location(node.callFrame, root);
      frame.key = `${frame.name} ${frame.where}`;
      frames.set(node.id, frame);
    }
    return frame;
  };
  for (let i = 0; i < profile.samples.length; i++) {
    if (!inWindow(times[i])) continue;
    const dt = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    const node = nodes.get(profile.samples[i]);
    if (!node) continue;
    total += dt;
    const frame = frameOf(node);
    if (frame.name === '(idle)') idle += dt;
    self.set(frame.key, { frame, us: (self.get(frame.key)?.us ?? 0) + dt });
    groups.set(frame.group, (groups.get(frame.group) ?? 0) + dt);
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parents.get(id)) {
      const f = frameOf(nodes.get(id));
      if (seen.has(f.key)) continue;
      seen.add(f.key);
      inclusive.set(f.key, { frame: f, us: (inclusive.get(f.key)?.us ?? 0) + dt });
    }
  }
  const rank = (map) => [...map.values()].sort((a, b) => b.us - a.us);
  const skipInclusive = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);
  return {
    totalMs: total / 1000,
    busyMs: (total - idle) / 1000,
    self: rank(self).slice(0, top),
    inclusive: rank(inclusive)
      .filter((e) => !skipInclusive.has(e.frame.name) && e.frame.where)
      .slice(0, top),
    groups: [...groups.entries()].sort((a, b) => b[1] - a[1]).slice(0, top),
  };
}

/** Print a summary as three small tables (percentages of busy, i.e. non-idle, time). */
export function printCpuProfileSummary(summary, log = console.log) {
  const busy = summary.busyMs * 1000 || 1;
  const pct = (us) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  log(`    busy ${summary.busyMs.toFixed(0)} ms of ${summary.totalMs.toFixed(0)} ms sampled`);
  log('    self time by function:');
  for (const { frame, us } of summary.self) {
    if (frame.name === '(idle)') continue;
    log(`      ${pct(us)}  ${frame.name}  ${frame.where}`);
  }
  log('    inclusive time (function and its callees):');
  for (const { frame, us } of summary.inclusive) log(`      ${pct(us)}  ${frame.name}  ${frame.where}`);
  log('    self time by package / folder:');
  for (const [group, us] of summary.groups) {
    if (group === '(idle)') continue;
    log(`      ${pct(us)}  ${group}`);
  }
}
