// A form shows a refusal of one of its fields under that field in the schema's own words; the method and path the
// engine's whole message starts with ("models.download: repo: …") are for refusals shown apart from the fields.
import { describe, expect, it } from 'vitest';
import { fieldRefusal, StudioError } from '../../renderer/src/api/errors.ts';

const refusal = new StudioError('invalid_params', 'models.download: repo: write the repository as owner/name, e.g. HuggingFaceTB/SmolLM2-135M', {
  field: 'repo', issues: [{ path: 'repo', message: 'write the repository as owner/name, e.g. HuggingFaceTB/SmolLM2-135M' }],
});

describe('a refusal in a form', () => {
  it('under a field the form shows: the schema’s words for that field alone', () => {
    expect(fieldRefusal(refusal, ['repo', 'name'])).toEqual({ field: 'repo', message: 'write the repository as owner/name, e.g. HuggingFaceTB/SmolLM2-135M' });
  });

  it('of a field the form does not show, or of none, or from the engine: the whole message', () => {
    expect(fieldRefusal(refusal, ['name']).message).toBe(refusal.message);
    const conflict = new StudioError('conflict', 'a model named s260k already exists; choose another name', { field: 'name' });
    expect(fieldRefusal(conflict, ['name'])).toEqual({ field: 'name', message: conflict.message });
    expect(fieldRefusal(new Error('network down'), ['name'])).toEqual({ field: undefined, message: 'network down' });
  });
});
