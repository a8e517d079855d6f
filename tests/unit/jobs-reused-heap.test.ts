// The trainers' glibc malloc settings: added to GLIBC_TUNABLES without losing what the user set there, and which
// `lathe` commands run themselves again to get them.
import { describe, expect, it } from 'vitest';
import { REUSED_HEAP_TUNABLES, foregroundRestartEnv, withReusedHeap } from '../../native/jobs/reused-heap.ts';

describe('withReusedHeap', () => {
  it('sets the tunables when none are set, and leaves the rest of the environment alone', () => {
    const env = withReusedHeap({ PATH: '/bin' });
    expect(env.GLIBC_TUNABLES).toBe(REUSED_HEAP_TUNABLES.join(':'));
    expect(env.GLIBC_TUNABLES).toContain('glibc.malloc.mmap_max=0');
    expect(env.PATH).toBe('/bin');
  });

  it("appends to the user's tunables and keeps the user's value of a tunable it would set", () => {
    const env = withReusedHeap({ GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=1024:glibc.cpu.hwcaps=-AVX512F' });
    expect(env.GLIBC_TUNABLES).toBe('glibc.malloc.trim_threshold=1024:glibc.cpu.hwcaps=-AVX512F:glibc.malloc.mmap_max=0:glibc.malloc.hugetlb=1');
  });

  it('does nothing when LATHE_MALLOC_TUNING=0', () => {
    const env = { LATHE_MALLOC_TUNING: '0', GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' };
    expect(withReusedHeap(env)).toEqual(env);
  });

  it('does not change the object it was given', () => {
    const env = { PATH: '/bin' };
    withReusedHeap(env);
    expect(env).toEqual({ PATH: '/bin' });
  });
});

describe('foregroundRestartEnv', () => {
  const linux = (argv: string[], env: NodeJS.ProcessEnv = {}) => foregroundRestartEnv(argv, env, 'linux');

  it('restarts foreground training commands on Linux with the tunables, after global flags too', () => {
    expect(linux(['train', '--model', 'm'])?.GLIBC_TUNABLES).toBe(REUSED_HEAP_TUNABLES.join(':'));
    expect(linux(['--data-dir', '/d', '--json', 'pretrain', '--corpus', 'c.txt'])?.GLIBC_TUNABLES).toBe(REUSED_HEAP_TUNABLES.join(':'));
  });

  it('leaves every other command, help, other platforms and opted-out environments alone', () => {
    expect(linux(['runs', 'list'])).toBeNull();
    expect(linux(['--data-dir', 'train', 'runs', 'list'])).toBeNull(); // 'train' is the data folder here
    expect(linux(['train', '--help'])).toBeNull();
    expect(foregroundRestartEnv(['train'], {}, 'darwin')).toBeNull();
    expect(linux(['train'], { LATHE_MALLOC_TUNING: '0' })).toBeNull();
  });

  it('does not restart a process that already has every tunable (the restarted one), whatever else is set', () => {
    expect(linux(['train'], { GLIBC_TUNABLES: `glibc.cpu.hwcaps=-AVX512F:${REUSED_HEAP_TUNABLES.join(':')}` })).toBeNull();
    expect(linux(['train'], { GLIBC_TUNABLES: 'glibc.cpu.hwcaps=-AVX512F' })?.GLIBC_TUNABLES).toBe(`glibc.cpu.hwcaps=-AVX512F:${REUSED_HEAP_TUNABLES.join(':')}`);
  });
});
