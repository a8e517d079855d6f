// The Electron shell exits as the CLI does when its engine will not start: 2 for what the user can fix.
import { describe, expect, it } from 'vitest';
import { startupExitCode } from '../../electron/engine.ts';
import { StoreOpenError } from '../../native/store/db-open.ts';

describe('startupExitCode', () => {
  it('is 2 for a store that will not open and 1 for anything else', () => {
    expect(startupExitCode(new StoreOpenError('lathe.db is not a Lathe database', '/data/lathe.db', 'not a database'))).toBe(2);
    expect(startupExitCode(new Error('boom'))).toBe(1);
    expect(startupExitCode(Object.assign(new Error('odd'), { exitCode: 0 }))).toBe(1);
    expect(startupExitCode(null)).toBe(1);
    expect(startupExitCode('a string')).toBe(1);
  });
});
