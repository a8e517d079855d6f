// A compact table of row problems: which line, which field, what is wrong.
import type { RowProblem } from './importErrors.ts';
import './datasets.css';

export function RowProblemsTable({ problems, limit = 50 }: { problems: RowProblem[]; limit?: number }) {
  return (
    <div className="table-wrap row-problems">
      <table className="table" aria-label="Row problems">
        <thead><tr><th className="num">Line</th><th>Field</th><th>Problem</th></tr></thead>
        <tbody>
          {problems.slice(0, limit).map((p, i) => (
            <tr key={i}><td className="num mono">{p.line ?? '—'}</td><td className="mono">{p.field ?? '—'}</td><td>{p.message}</td></tr>
          ))}
        </tbody>
      </table>
      {problems.length > limit && <p className="faint small row-problems-more">…and {problems.length - limit} more.</p>}
    </div>
  );
}
