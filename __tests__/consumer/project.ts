import { execFileSync, spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';

/*
 * Consumer tests: the packages as npm ships them (npm pack of the built workspaces), installed
 * into fresh projects outside this repo, used the way a user would. Installs resolve from npm's
 * cache first (`npm ci` of this repo filled it with every version used here), the registry else.
 */

export const repoRoot = path.resolve(__dirname, '..', '..');

/** Environment for child npm/node processes: no npm_* variables of the `npm test` running us. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.toLowerCase().startsWith('npm_')) env[k] = v;
  return { ...env, ...extra };
}

export interface Tarballs {
  library: string;
  tools: string;
}

/** Packs both workspaces (built by `npm run build`, which `npm test` runs first) into a temporary folder. */
export function packWorkspaces(dir: string): Tarballs {
  for (const pkg of ['src/dist/cjs/index.js', 'src/dist/esm/index.js', 'benchmarks/dist/cli.js']) {
    if (!existsSync(path.join(repoRoot, pkg))) throw new Error(`${pkg} is missing: run \`npm run build\` first`);
  }
  execFileSync('npm', ['pack', '--workspace', 'src', '--workspace', 'benchmarks', '--pack-destination', dir, '--silent'], {
    cwd: repoRoot,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const find = (prefix: string): string => {
    const f = readdirSync(dir).find((n) => new RegExp(`^${prefix}-\\d+\\.\\d+\\.\\d+\\.tgz$`).test(n));
    if (f == null) throw new Error(`npm pack made no ${prefix} tarball in ${dir}`);
    return path.join(dir, f);
  };
  return { library: find('tfjs-activations'), tools: find('tfjs-activations-bench') };
}

export interface Project {
  dir: string;
  /** Runs a command in the project; throws with its output on a non-zero exit. */
  run(cmd: string, args: string[], options?: { env?: Record<string, string>; timeoutMs?: number }): string;
  /** Like run, but returns the exit status and output instead of throwing. */
  tryRun(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string };
  write(file: string, text: string): string;
}

/** A fresh npm project in a temporary folder (removed when the process exits) with `deps` installed. */
export function makeProject(name: string, deps: string[]): Project {
  const project = emptyProject(name);
  project.run('npm', ['install', ...installFlags, ...deps], { timeoutMs: 600000 });
  return project;
}

/** npm install's flags here: the cache first, no audit or funding chatter. */
export const installFlags = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

/** A fresh npm project with nothing installed. */
export function emptyProject(name: string): Project {
  const dir = tempDir(`consumer-${name}`);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, version: '1.0.0', private: true }, null, 2));
  const project: Project = {
    dir,
    run(cmd, args, runOptions = {}) {
      const r = spawnSync(cmd, args, { cwd: dir, env: cleanEnv(runOptions.env), encoding: 'utf8', timeout: runOptions.timeoutMs ?? 300000 });
      if (r.status !== 0) {
        throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal} in ${dir}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
      }
      return r.stdout;
    },
    tryRun(cmd, args) {
      const r = spawnSync(cmd, args, { cwd: dir, env: cleanEnv(), encoding: 'utf8', timeout: 600000 });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    write(file, text) {
      const p = path.join(dir, file);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, text);
      return p;
    },
  };
  return project;
}

/** A temporary folder removed when the process exits. */
export function tempDir(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `tfa-${name}-`));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A binary of this repo's own dev dependencies (tsc, esbuild, vite), to build consumer projects with. */
export function repoBin(name: string): string {
  return path.join(repoRoot, 'node_modules', '.bin', name);
}

/** Parses the last line of a script's stdout as JSON (scripts print one result line). */
export function lastJson<T>(stdout: string): T {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}
