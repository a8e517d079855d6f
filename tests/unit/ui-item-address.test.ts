// A list page's address names the item it shows (#/datasets/<id>, #/select/<id>), so a reload, a bookmark and the
// browser's Back and Forward land on the same dataset or model; the pretraining builder's own address is not a model.
import { describe, expect, it } from 'vitest';
import { itemHash, itemIdFromHash } from '../../renderer/src/app/routes.ts';

describe('a list page’s item address', () => {
  it('round-trips an id, encoded', () => {
    for (const id of ['ds_9a0c48537bd2', 'mdl 1/ü']) {
      expect(itemIdFromHash('datasets', itemHash('datasets', id))).toBe(id);
      expect(itemIdFromHash('select', itemHash('select', id))).toBe(id);
    }
  });

  it('is null for the page alone, another page, a deeper address and Select’s pretraining builder', () => {
    expect(itemIdFromHash('datasets', '#/datasets')).toBeNull();
    expect(itemIdFromHash('datasets', '#/datasets/')).toBeNull();
    expect(itemIdFromHash('datasets', '#/runs/run_1')).toBeNull();
    expect(itemIdFromHash('datasets', '#/datasets/ds_1/more')).toBeNull();
    expect(itemIdFromHash('select', '#/select/pretrain')).toBeNull();
    expect(itemIdFromHash('datasets', '#/datasets/pretrain')).toBe('pretrain');
  });
});
