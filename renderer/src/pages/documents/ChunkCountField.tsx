// How many chunks retrieval returns (its k), as a number field kept between 1 and `max`; shared by the Documents
// tab's search and the playground's "Use collection".
export function ChunkCountField({ id, max, value, onChange }: { id: string; max: number; value: number; onChange(k: number): void }) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>Chunks</label>
      <input id={id} className="input input-count" type="number" min={1} max={max} value={value} onChange={(e) => onChange(Math.max(1, Math.min(max, Number(e.target.value) || 1)))} />
    </div>
  );
}
