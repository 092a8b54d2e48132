// End-to-end tests of the built app (www/dist) in Debian's Chromium, served by `vite preview`
// on a free local port. Run with `npm test` after `npm run build` (./build.sh test does both).
import { defineConfig } from '@playwright/test';
import net from 'node:net';

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Chosen once in the runner; test workers inherit it through the environment.
if (!process.env.REGSIM_E2E_PORT) process.env.REGSIM_E2E_PORT = String(await freePort());
const port = Number(process.env.REGSIM_E2E_PORT);
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export default defineConfig({
  testDir: './tests/e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1, // the app itself runs two simulation workers; two cores are busy enough
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: chromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
    },
    acceptDownloads: true,
    trace: 'off',
  },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --strictPort --port ${port}`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
