// What the checkpoint readers (safetensors, GGUF) share: opening a file of weights for positioned reads, with
// errors that name the file, and reading one tensor's bytes, refusing a file cut short.
import fs from 'node:fs';
import { CheckpointError } from '../api/errors.ts';
import { fileOnTheWay } from './atomic.ts';
import { noSuchPath } from '../store/near-files.ts';

/**
 * Open `file` and hand its descriptor and size to `parse` (which reads the header); the descriptor is closed if
 * the file is not a regular file or `parse` throws. `expected` says what belongs there: 'a safetensors file';
 * `ending` is such a file's ('.safetensors'), for the files offered in place of a missing one.
 */
export function openTensorFile<T>(file: string, expected: string, ending: string, parse: (fd: number, size: number) => T): T {
  const fd = openForReading(file, ending);
  try {
    const stat = fs.fstatSync(fd);
    // A folder opens for reading on Linux and then fails the read with a bare EISDIR naming no file.
    if (!stat.isFile()) throw new CheckpointError(`${file}: not a file (${expected} was expected here)`);
    return parse(fd, stat.size);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

function openForReading(file: string, ending: string): number {
  try {
    return fs.openSync(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CheckpointError(`${file}: ${noSuchPath(file, { endings: [ending] })}`);
    if (code === 'ENOTDIR') throw new CheckpointError(`${file}: no such file: ${fileOnTheWay(file)} is a file, not a folder; check the path`);
    throw new CheckpointError(`${file}: cannot open (${(err as Error).message})`);
  }
}

/** The bytes `begin` to `end` of tensor `name` in the open `file`. */
export function readTensorBytes(fd: number, file: string, name: string, begin: number, end: number): Buffer {
  const bytes = Buffer.alloc(end - begin);
  const got = fs.readSync(fd, bytes, 0, bytes.length, begin);
  if (got !== bytes.length) throw new CheckpointError(`${file}: tensor '${name}' is truncated (read ${got} of ${bytes.length} bytes)`);
  return bytes;
}
