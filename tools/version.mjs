// regsim's one version: `version` in Cargo.toml's [package] (docs/versions.md). The npm package,
// the app's build and the tests read it here.
import fs from 'node:fs';

/** The crate's version, from Cargo.toml (by default the repository's). */
export function crateVersion(cargoToml = new URL('../Cargo.toml', import.meta.url)) {
  let section = '';
  for (const line of fs.readFileSync(cargoToml, 'utf8').split('\n')) {
    const header = /^\s*\[([^\]]*)\]\s*$/.exec(line);
    if (header) section = header[1].trim();
    const v = section === 'package' && /^\s*version\s*=\s*"([^"]+)"\s*$/.exec(line);
    if (v) return v[1];
  }
  throw new Error(`${cargoToml}: no version in [package]`);
}
