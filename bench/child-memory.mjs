// What a benchmark's server child answers to {type: 'memory'}: its memory after a full garbage
// collection (when run with --expose-gc), so memory per connection is not garbage per connection.

export function sendMemory() {
  // Twice: the first collection may leave garbage its finalizers made.
  globalThis.gc?.();
  globalThis.gc?.();
  process.send({ type: 'memory', ...process.memoryUsage(), collected: typeof globalThis.gc === 'function' });
}
