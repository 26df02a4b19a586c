#!/usr/bin/env node
/*
 * Builds the library package (src/) into src/dist:
 *   dist/cjs  tsc: CommonJS, declarations, source maps with their sources inlined
 *   dist/esm  esbuild: one ES module per source file (so `sideEffects` can name the modules that
 *             register kernels, and bundlers tree-shake the rest), relative imports given the
 *             explicit `.js` paths Node's ESM loader needs; source maps carry their sources.
 * It also copies the repo's README.md and LICENSE into src/, where npm pack finds them.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const pkgDir = path.join(root, 'src');
const dist = path.join(pkgDir, 'dist');

/** Every .ts module of the library (tests and declarations excluded). */
function sources(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'dist' && entry.name !== 'node_modules') out.push(...sources(p));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      out.push(p);
    }
  }
  return out;
}

/** esbuild plugin: keep each relative import external, spelled as the file Node will load. */
const explicitRelativePaths = {
  name: 'explicit-relative-paths',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const base = path.resolve(args.resolveDir, args.path);
      let spec;
      if (fs.existsSync(`${base}.ts`)) spec = `${args.path}.js`;
      else if (fs.existsSync(path.join(base, 'index.ts'))) spec = `${args.path}/index.js`;
      else throw new Error(`build-library: cannot resolve ${args.path} from ${args.importer}`);
      return { path: spec, external: true };
    });
  },
};

async function main() {
  fs.rmSync(dist, { recursive: true, force: true });
  const tsc = require.resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(pkgDir, 'tsconfig.json')], { stdio: 'inherit' });
  await esbuild.build({
    entryPoints: sources(pkgDir),
    outbase: pkgDir,
    outdir: path.join(dist, 'esm'),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2020',
    sourcemap: true,
    external: ['@tensorflow/*'],
    plugins: [explicitRelativePaths],
    logLevel: 'error',
  });
  fs.writeFileSync(path.join(dist, 'esm', 'package.json'), '{ "type": "module" }\n');
  for (const f of ['README.md', 'LICENSE']) fs.copyFileSync(path.join(root, f), path.join(pkgDir, f));
  console.log(`build-library: ${path.relative(root, dist)}/cjs and ${path.relative(root, dist)}/esm`);
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
