import * as fs from 'fs';
import { request } from 'http';
import * as os from 'os';
import * as path from 'path';
import { serveStatic } from '../../benchmarks/src/browser/driver/server';
import type { StaticServer } from '../../benchmarks/src/browser/driver/server';

/** GET a raw path (no client-side normalisation of ../), returning status and body. */
function get(base: string, rawPath: string): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static server (benchmarks/src/browser/driver/server.ts)', () => {
  let dir: string;
  let server: StaticServer;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-act-server-'));
    fs.mkdirSync(path.join(dir, 'site', 'sub'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'wasm'));
    fs.writeFileSync(path.join(dir, 'site', 'index.html'), '<p>home</p>');
    fs.writeFileSync(path.join(dir, 'site', 'sub', 'a.js'), 'ok()');
    fs.writeFileSync(path.join(dir, 'wasm', 'k.wasm'), 'WASM');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'SECRET');
    server = await serveStatic({ '/': path.join(dir, 'site'), '/wasm/': path.join(dir, 'wasm') });
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves files, directory index.html, the longest prefix mount, with content types', async () => {
    expect(await get(server.url, '/')).toEqual({ status: 200, body: '<p>home</p>' });
    expect(await get(server.url, '/sub/a.js')).toEqual({ status: 200, body: 'ok()' });
    expect(await get(server.url, '/wasm/k.wasm')).toEqual({ status: 200, body: 'WASM' });
    expect((await get(server.url, '/missing.js')).status).toBe(404);
  });

  it.each([
    '/..%2fsecret.txt',
    '/sub/..%2f..%2fsecret.txt',
    '/wasm/..%2fsecret.txt',
    '/wasm/..%2f..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    `/..%2f${'..%2f'.repeat(8)}etc%2fpasswd`,
  ])('refuses a path that leaves its directory: %s', async (p) => {
    const r = await get(server.url, p);
    expect(r.status).toBe(403);
    expect(r.body).not.toContain('SECRET');
  });

  it('a sibling directory whose name starts with the root is outside too (site vs site-other)', async () => {
    fs.mkdirSync(path.join(dir, 'site-other'));
    fs.writeFileSync(path.join(dir, 'site-other', 'x.txt'), 'SECRET');
    const r = await get(server.url, '/..%2fsite-other%2fx.txt');
    expect(r.status).toBe(403);
  });
});
