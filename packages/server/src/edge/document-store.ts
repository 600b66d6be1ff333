import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** A document as it was last received, with the ETag it came with. */
export interface SavedDocument {
  etag: string | undefined;
  /** The document's text exactly as the upstream sent it. */
  text: string;
}

/**
 * The last document of each followed environment, on disk, so an edge restarted while its
 * upstream is down still starts and serves. One file per server key, named by a hash of the
 * key (the key itself is never written), readable by the owner only: documents hold every rule.
 * Writes go to a temporary file that is synced and renamed over the old one, so a crash
 * leaves either the old document or the new one, never half of one.
 */
export class DocumentStore {
  constructor(private readonly dir: string) {}

  async load(serverKey: string): Promise<SavedDocument | undefined> {
    let raw: string;
    try {
      raw = await fs.readFile(this.file(serverKey), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const saved = JSON.parse(raw) as { etag?: unknown; text?: unknown };
    if (typeof saved.text !== 'string') throw new Error(`${this.file(serverKey)} holds no document.`);
    return { etag: typeof saved.etag === 'string' ? saved.etag : undefined, text: saved.text };
  }

  async save(serverKey: string, document: SavedDocument): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = this.file(serverKey);
    const temporary = `${file}.${process.pid}.tmp`;
    const handle = await fs.open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify({ etag: document.etag, text: document.text }));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, file);
  }

  /** Where a key's document lives, for messages. */
  file(serverKey: string): string {
    const name = createHash('sha256').update(serverKey).digest('hex').slice(0, 32);
    return path.join(this.dir, `environment-${name}.json`);
  }
}
