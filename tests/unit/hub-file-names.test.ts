// The Hub's file listing comes from the network (a mirror, with LATHE_HF_ENDPOINT) and each name it offers is
// joined to the download folder: a name with a folder part on any platform, or a NUL, is never fetched.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRepoFiles } from '../../native/models/hub-download.ts';

const OFFERED = [
  'config.json', 'tokenizer.json', 'model.safetensors', '1_Pooling/config.json',
  '..\\..\\..\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\x.safetensors',
  'sub\\model.safetensors', 'nested/model.safetensors', 'x\0.safetensors', '..',
];

describe('Hub file listing', () => {
  let server: http.Server;

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ siblings: OFFERED.map((rfilename) => ({ rfilename, size: 1 })) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env.LATHE_HF_ENDPOINT = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => {
    delete process.env.LATHE_HF_ENDPOINT;
    server.close();
  });

  it('fetches only names that stay in the download folder', async () => {
    const files = await listRepoFiles({ repo: 'someone/model', revision: 'main' });
    expect(files.map((f) => f.name)).toEqual(['config.json', 'tokenizer.json', 'model.safetensors', '1_Pooling/config.json']);
  });
});
