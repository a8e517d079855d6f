// The files a run produced, each with its kind, path, size and sha256 (the whole hash in a tooltip), so a
// person can find the file on disk and check it is the one the run wrote.
import { humanBytes } from '../../../../native/api/format.ts';
import type { Artifact } from '../../../../native/api/schemas.ts';
import type { Query } from '../../app/StudioContext.tsx';
import { shortHash } from '../../domain/format.ts';
import { PathText } from '../../ui/cells.tsx';
import { Card, CardHeader, EmptyState, ReadError } from '../../ui/primitives.tsx';

/** `resumeRefused`: the engine said this stopped run cannot be resumed (its dataset or model is gone), so the empty state does not suggest it. */
export function RunArtifacts({ artifacts, kind, resumeRefused = false }: { artifacts: Query<Artifact[]>; kind: string; resumeRefused?: boolean }) {
  const list = artifacts.data ?? [];
  return (
    <Card aria-label="Artifacts">
      <CardHeader title="Artifacts" subtitle="Files this run wrote, with their size and SHA-256." />
      <ReadError className="card-body" what="Could not load the artifacts" read={artifacts} />
      {artifacts.data && list.length === 0 && (
        <EmptyState icon="file" title="No files recorded">
          {kind === 'finetune' || kind === 'pretrain'
            ? `A training run records its adapter or model when it finishes; ${resumeRefused ? 'this one stopped before that and cannot be resumed.' : 'a stopped one can be resumed to get there.'}`
            : 'Runs record their outputs (predictions, generations, adapters) when they finish.'}
        </EmptyState>
      )}
      {list.length > 0 && (
        <div className="table-wrap">
          <table className="table" aria-label="Artifacts">
            <thead><tr><th>Kind</th><th>Path</th><th className="num">Size</th><th>SHA-256</th></tr></thead>
            <tbody>
              {list.map((a) => (
                <tr key={a.id}>
                  <td>{a.kind}</td>
                  <td className="mono small"><PathText path={a.path} /></td>
                  <td className="num mono small nowrap">{humanBytes(a.bytes)}</td>
                  <td className="mono small" title={a.hash}>{shortHash(a.hash)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
