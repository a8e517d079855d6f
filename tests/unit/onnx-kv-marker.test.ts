// The config.json marker of an ONNX export whose graphs can run with an in-place KV cache.
import { describe, expect, it } from 'vitest';
import { declaresInPlaceKv, withKvMarker } from '../../native/models/onnx-variants.ts';

describe('the in-place KV marker in config.json', () => {
  it('is set beside the other keys, which stay as they are', () => {
    const config = { model_type: 'llama', 'transformers.js_config': { dtype: 'q4' }, lathe: { note: 'kept' } };
    const marked = withKvMarker(config, true);
    expect(marked).toEqual({ model_type: 'llama', 'transformers.js_config': { dtype: 'q4' }, lathe: { note: 'kept', kv_cache: 'in_place' } });
    expect(declaresInPlaceKv(marked)).toBe(true);
    expect(withKvMarker({ model_type: 'gpt2' }, true)).toEqual({ model_type: 'gpt2', lathe: { kv_cache: 'in_place' } });
  });

  it('is removed from a config that carried a stale one when the graphs cannot run in place', () => {
    expect(withKvMarker({ model_type: 'llama', lathe: { kv_cache: 'in_place' } }, false)).toEqual({ model_type: 'llama' });
    expect(withKvMarker({ lathe: { kv_cache: 'in_place', note: 'kept' } }, false)).toEqual({ lathe: { note: 'kept' } });
  });

  it('is read strictly: old exports and other values keep the growing cache', () => {
    for (const config of [{}, { lathe: null }, { lathe: 'in_place' }, { lathe: { kv_cache: 'grow' } }, { kv_cache: 'in_place' }]) {
      expect(declaresInPlaceKv(config as Record<string, unknown>)).toBe(false);
    }
  });
});
