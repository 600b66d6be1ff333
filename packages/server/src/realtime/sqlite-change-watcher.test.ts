import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap } from '../organisations/bootstrap.js';
import { ChangeRecorder } from '../shared/changes.js';
import { type Database, migrateToLatest, openSqlite } from '../storage/database.js';
import { type ConfigChange, InProcessChangeBus } from './change-bus.js';
import { SqliteChangeWatcher } from './sqlite-change-watcher.js';

describe('SQLite change watcher', () => {
  let dir: string;
  let server: Database;
  let otherProcess: Database;
  let bus: InProcessChangeBus;
  let watcher: SqliteChangeWatcher;
  let heard: ConfigChange[];
  let projectId: string;
  let environmentId: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pennon-watch-'));
    // Two connections to one file stand for the server and the CLI in another process.
    server = openSqlite(path.join(dir, 'pennon.db'));
    await migrateToLatest(server);
    const boot = await bootstrap(server.db, {});
    projectId = boot?.projectId as string;
    environmentId = boot?.environments[0]?.id as string;
    otherProcess = openSqlite(path.join(dir, 'pennon.db'));
    bus = new InProcessChangeBus();
    heard = [];
    bus.subscribe((change) => heard.push(change));
    watcher = new SqliteChangeWatcher(server.db, bus, 60_000);
    await watcher.poll();
  });
  afterAll(async () => {
    await watcher.close();
    await server.close();
    await otherProcess.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says nothing when nothing changed', async () => {
    await watcher.poll();
    expect(heard).toEqual([]);
  });

  it('publishes a change another process made to an environment', async () => {
    const change = await new ChangeRecorder(new InProcessChangeBus()).touch(otherProcess.db, {
      projectId,
      environmentId,
    });
    await watcher.poll();
    expect(heard).toEqual([{ projectId, environmentId, at: change.at }]);
  });

  it('does not publish again what this process already published', async () => {
    heard.length = 0;
    const recorder = new ChangeRecorder(bus);
    const change = await recorder.touch(server.db, { projectId });
    await recorder.publish(change);
    await watcher.poll();
    expect(heard).toEqual([change]);
  });

  it('publishes the removal of an environment', async () => {
    heard.length = 0;
    await otherProcess.db.deleteFrom('environments').where('id', '=', environmentId).execute();
    await watcher.poll();
    expect(heard).toMatchObject([{ projectId, environmentId }]);
  });
});
