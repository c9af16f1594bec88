/**
 * `npm run bench [-- name…]`: runs every `bench/*.bench.ts` module (or the named ones), writes
 * each result to `bench/results/<name>-<YYYY-MM-DD>.json` with the machine it ran on, appends a
 * markdown line to `bench/results/SUMMARY.md`, and exits 1 when a target is missed.
 */
import { appendFileSync, mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BenchModule, machineInfo } from "./harness.js";

const benchDir = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(benchDir, "results");

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const files = readdirSync(benchDir)
    .filter((file) => file.endsWith(".bench.ts"))
    .sort();
  const modules: BenchModule[] = [];
  for (const file of files) {
    let loaded: Loaded;
    try {
      loaded = (await import(pathToFileURL(join(benchDir, file)).href)) as Loaded;
    } catch (error) {
      // One bench's missing driver must not stop the others (e.g. `npm run bench -- plan`).
      console.error(`skipping ${file}: it failed to load: ${(error as Error).message}`);
      continue;
    }
    const bench = asBench(file, loaded);
    if (bench === undefined) console.error(`skipping ${file}: no default BenchModule and no run() export`);
    else if (wanted.length === 0 || wanted.includes(bench.name)) modules.push(bench);
  }
  if (modules.length === 0) {
    console.error(`no bench matches ${wanted.join(", ")}; known: ${files.join(", ")}`);
    return 2;
  }
  mkdirSync(resultsDir, { recursive: true });
  const machine = machineInfo();
  const date = new Date().toISOString().slice(0, 10);
  const machineLine = `${machine.cpuModel}, ${machine.cores} cores, node ${machine.node}`;
  console.log(`machine: ${machineLine}`);
  let ok = true;
  for (const bench of modules) {
    console.log(`\n## ${bench.name}: ${bench.description}`);
    const result = await bench.run();
    const file = join(resultsDir, `${bench.name}-${date}.json`);
    const json = {
      bench: bench.name,
      date: new Date().toISOString(),
      machine,
      ok: result.ok,
      ...result.data,
    };
    writeFileSync(`${file}.tmp`, `${JSON.stringify(json, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
    appendFileSync(join(resultsDir, "SUMMARY.md"), `- ${date} ${result.summary} — ${machineLine}\n`);
    console.log(result.summary);
    console.log(`→ ${file}`);
    ok &&= result.ok;
  }
  return ok ? 0 : 1;
}

type Loaded = { default?: Partial<BenchModule>; run?: () => unknown };

/**
 * A bench module: the `BenchModule` default export, or a bare `run()` returning JSON data (named
 * after its file, always ok), so a bench can also be run alone with `npx tsx bench/<name>.bench.ts`.
 */
function asBench(file: string, loaded: Loaded): BenchModule | undefined {
  const full = loaded.default;
  if (full?.name !== undefined && typeof full.run === "function") return full as BenchModule;
  const run = loaded.run;
  if (typeof run !== "function") return undefined;
  const name = basename(file, ".bench.ts");
  return {
    name,
    description: `${file} (run() export)`,
    async run() {
      const data = await run();
      const record = typeof data === "object" && data !== null ? (data as Record<string, unknown>) : { data };
      return { data: record, summary: `${name}: see bench/results/${name}-*.json`, ok: true };
    },
  };
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
