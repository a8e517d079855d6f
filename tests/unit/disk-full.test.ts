// A full disk or a file-size limit, as the user reads it: what failed, where, why, and to free space; the code is
// kept (the CLI answers 2: the user can fix it), other errors pass through untouched, and wrapping happens once.
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../native/cli.ts';
import { diskFullError, isDiskFull } from '../../native/store/disk-full.ts';

const errno = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('diskFullError', () => {
  it('names what failed, where, the cause and the way out, and keeps the code', () => {
    const e = diskFullError(errno('ENOSPC', 'ENOSPC: no space left on device, write'), 'importing train.jsonl', '/data/datasets', 'Nothing was imported.');
    expect(e.message).toBe(
      'importing train.jsonl failed: the disk is full (ENOSPC) while writing /data/datasets. Nothing was imported. ' +
        'Free some space on that disk, or point --data-dir (LATHE_DATA_DIR) at a disk with room, and try again.',
    );
    expect(isDiskFull(e)).toBe(true);
    expect(exitCodeOf(e)).toBe(2);
    expect(diskFullError(errno('EFBIG', 'EFBIG: file too large, write'), 'x', 'y').message).toMatch(/EFBIG: a file-size limit such as 'ulimit -f'.*\(or raise the limit\)/);
    expect(diskFullError(errno('SQLITE_FULL', 'database or disk is full'), 'x', 'y').message).toMatch(/database could not grow/);
    expect(diskFullError(errno('SQLITE_IOERR_WRITE', 'disk I/O error'), 'x', 'y').message).toMatch(/SQLITE_IOERR_WRITE.*file-size limit/);
  });

  it('wraps once and lets every other error through as it is', () => {
    const inner = diskFullError(errno('ENOSPC', 'ENOSPC'), 'importing a.jsonl', '/d');
    expect(diskFullError(inner, 'the command', '/d')).toBe(inner);
    const other = errno('ENOENT', 'no such file');
    expect(diskFullError(other, 'x', 'y')).toBe(other);
    expect(isDiskFull(new Error('plain'))).toBe(false);
  });
});
