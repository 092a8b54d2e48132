// Small local HTTP servers for the embedding tests: www/dist with chosen headers (a
// Content-Security-Policy, CORS), and pages on a second origin. Each listens on a free port of
// 127.0.0.1; a different port is a different origin.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/**
 * Serve a directory. `headers(relPath)` gives extra headers per file; `pages` maps paths to
 * HTML served as they are. Resolves to {origin, close()}.
 */
export function serve({ root = DIST, headers = () => ({}), pages = {} } = {}) {
  // Headers up to 256 KB (Node's default is 16 KB), so that links of 100 KB reach the page.
  const server = http.createServer({ maxHeaderSize: 256 * 1024 }, (req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (Object.prototype.hasOwnProperty.call(pages, rel)) {
      res.writeHead(200, { 'content-type': TYPES['.html'], ...headers(rel) }).end(pages[rel]);
      return;
    }
    const file = path.join(root, rel.endsWith('/') ? `${rel}index.html` : rel);
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store', ...headers(rel) }).end(data);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      const close = () =>
        new Promise((r) => {
          server.close(() => r());
          server.closeAllConnections(); // the browser's keep-alive connections would hold it open
        });
      resolve({ origin: `http://127.0.0.1:${port}`, close });
    });
  });
}
