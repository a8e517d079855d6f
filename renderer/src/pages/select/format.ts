// Sizes as people read them: parameter counts (260K, 1.24B) and bytes (1.6 MB).
export function humanCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e8 ? 0 : 1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e5 ? 0 : 1)}K`;
  return String(n);
}

export function humanBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : n >= 100 ? 0 : 1)} ${units[i]}`;
}

/** Where a model came from, from its `source` field (llama2c:/path, import:/path, hub:owner/name). */
export function describeSource(source: string): string {
  const [kind, ...rest] = source.split(':');
  const where = rest.join(':');
  if (kind === 'llama2c') return `llama2.c checkpoint · ${where.split(/[\\/]/).pop()}`;
  if (kind === 'import') return `Imported folder · ${where.split(/[\\/]/).pop()}`;
  return source;
}
