// Downloading a model from the Hugging Face Hub (the 'model-download' job runs it, download-worker.ts): list
// the repository's files at a revision and fetch the ones Lathe needs into
// <dataDir>/downloads/<owner>--<name>@<revision>/, each through a `.partial` file resumed with an HTTP Range
// request. A download that is cancelled, interrupted or offline keeps its partial files, so starting it again
// continues where it stopped.
// LATHE_HF_ENDPOINT (or HF_ENDPOINT) points at a mirror; tests point it at a local server.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../api/errors.ts';
import { isPlainFileName } from './checkpoint.ts';
import { SENTENCE_TRANSFORMERS_FILES } from './encoder-config.ts';

export interface DownloadParams {
  repo: string;
  revision: string;
  token?: string;
  name?: string;
}

/**
 * Files a Lathe model folder is made of (the rest of a repository — other formats, images — is skipped); an
 * embedding model's sentence-transformers files (pooling, prompts) among them.
 */
const WANTED_FILES = [
  'config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json',
  'chat_template.jinja', 'model.safetensors.index.json', ...SENTENCE_TRANSFORMERS_FILES,
];
/**
 * Whether to fetch a file the Hub lists. The listing comes from the network (a mirror, with LATHE_HF_ENDPOINT), and
 * each name is joined to the download folder: one with a folder part ('..\\..\\x.safetensors' on Windows) is never wanted.
 */
const isWantedFile = (name: string) => WANTED_FILES.includes(name) || (isPlainFileName(name) && name.endsWith('.safetensors'));

export const OFFLINE_MESSAGE = 'cannot reach huggingface.co — you are offline or behind a proxy; import a local folder instead';

export function hubEndpoint(): string {
  return (process.env.LATHE_HF_ENDPOINT ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
}

export function downloadDir(dataDir: string, repo: string, revision: string): string {
  return path.join(dataDir, 'downloads', `${repo.replace('/', '--')}@${revision.replace(/[^\w.-]/g, '_')}`);
}

function headers(token: string | undefined, extra: Record<string, string> = {}): Record<string, string> {
  return { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...extra };
}

/** fetch, with network failures turned into the offline message and HTTP refusals into what to do. */
async function hubFetch(url: string, init: RequestInit, what: { repo: string; revision: string; token?: string }): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new StudioError('invalid_params', OFFLINE_MESSAGE, { url, cause: cause?.code ?? cause?.message ?? (err as Error).message });
  }
  if (res.ok || res.status === 206 || res.status === 416) return res;
  if (res.status === 401 || res.status === 403) {
    const message = what.token
      ? `huggingface.co refused the token for ${what.repo} (HTTP ${res.status}): accept the model's licence on its page `
        + 'on huggingface.co, and check that the token can read gated repositories'
      : `${what.repo} is gated or private (HTTP ${res.status}): accept its licence on huggingface.co, then paste an access `
        + 'token (huggingface.co → Settings → Access Tokens)';
    throw new StudioError('unauthorized', message, { field: 'token' });
  }
  if (res.status === 404) {
    const message = `huggingface.co has no model ${what.repo} at revision '${what.revision}': check the owner/name spelling and the branch or commit`;
    throw new StudioError('not_found', message, { field: 'repo' });
  }
  throw new StudioError('internal', `huggingface.co answered HTTP ${res.status} for ${url}; try again later`);
}

/** The repository's files at `revision`, with their sizes where the Hub reports them. */
export async function listRepoFiles(p: DownloadParams): Promise<{ name: string; size: number | null }[]> {
  const url = `${hubEndpoint()}/api/models/${p.repo}/revision/${encodeURIComponent(p.revision)}?blobs=true`;
  const res = await hubFetch(url, { headers: headers(p.token) }, p);
  const body = (await res.json()) as { siblings?: { rfilename: string; size?: number }[] };
  const files = (body.siblings ?? []).filter((s) => isWantedFile(s.rfilename)).map((s) => ({ name: s.rfilename, size: s.size ?? null }));
  const refuse = (message: string) => new StudioError('invalid_params', message, { field: 'repo' });
  if (!files.some((f) => f.name === 'config.json')) throw refuse(`${p.repo} has no config.json: it is not a transformers model Lathe can run`);
  if (!files.some((f) => f.name.endsWith('.safetensors'))) {
    const pytorch = (body.siblings ?? []).map((s) => s.rfilename).filter((f) => /^pytorch_model.*\.bin$/.test(f));
    const has = pytorch.length > 0 ? `only PyTorch weights (${pytorch[0]}${pytorch.length > 1 ? ` and ${pytorch.length - 1} more` : ''}), which Lathe never loads` : 'only other formats';
    throw refuse(
      `${p.repo} at revision '${p.revision}' has no .safetensors weights, ${has}. Look on the model's Hugging Face page for an open ` +
        "pull request that adds safetensors and download that revision (refs/pr/N), or pick a repository that ships safetensors",
    );
  }
  return files;
}

/**
 * Fetch one file into `dest`, resuming `dest.partial` with a Range request. `onBytes` gets each chunk's size
 * (including the bytes already there at the start). A server that ignores Range (200) restarts the file.
 */
export async function downloadFile(url: string, dest: string, p: DownloadParams, onBytes: (n: number) => void, signal?: AbortSignal): Promise<void> {
  if (fs.existsSync(dest)) {
    onBytes(fs.statSync(dest).size);
    return;
  }
  const partial = `${dest}.partial`;
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const have = fs.existsSync(partial) ? fs.statSync(partial).size : 0;
  const res = await hubFetch(url, { headers: headers(p.token, have > 0 ? { Range: `bytes=${have}-` } : {}), signal }, p);
  if (res.status === 416) {
    // Range past the end: the partial file is already complete.
    await res.body?.cancel();
    onBytes(have);
    fs.renameSync(partial, dest);
    return;
  }
  const append = res.status === 206 && have > 0;
  if (append) onBytes(have);
  const fd = fs.openSync(partial, append ? 'a' : 'w');
  try {
    if (!res.body) throw new StudioError('internal', `${url}: empty response`);
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      fs.writeSync(fd, chunk);
      onBytes(chunk.byteLength);
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(partial, dest);
}

/** Download every file of the repository Lathe needs into `dir`; progress as a fraction of known bytes. */
export async function downloadRepo(
  p: DownloadParams,
  dir: string,
  onProgress: (done: number, total: number | null, file: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const files = await listRepoFiles(p);
  const total = files.every((f) => f.size !== null) ? files.reduce((s, f) => s + (f.size ?? 0), 0) : null;
  let done = 0;
  for (const f of files) {
    if (signal?.aborted) throw new Error('cancelled');
    const url = `${hubEndpoint()}/${p.repo}/resolve/${encodeURIComponent(p.revision)}/${f.name}`;
    await downloadFile(url, path.join(dir, f.name), p, (n) => {
      done += n;
      onProgress(done, total, f.name);
    }, signal);
  }
}
