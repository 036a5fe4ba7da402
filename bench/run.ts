/**
 * `npm run bench -- NAME`: runs one benchmark, which prints its figures and ends with
 * one JSON line. Benchmarks measure; tests never time anything.
 */
const benches: Record<string, () => Promise<unknown>> = {
  engine: async () => (await import('./engine')).main(),
  neumf: async () => (await import('./neumf')).main(),
  models: async () => (await import('./models')).main(),
  runs: async () => (await import('./runs')).main(),
  inspect: async () => (await import('./inspect')).main(),
  baselines: async () => console.log(JSON.stringify(await (await import('./baselines')).benchBaselines())),
  eval: async () => console.log(JSON.stringify(await (await import('./eval')).benchEval())),
  linalg: async () => (await import('./linalg')).main(),
  ui: async () => (await import('./ui')).main(),
  'ui-explorer': async () => (await import('./ui-explorer')).main(),
  'ui-compare': async () => (await import('./ui-compare')).main(),
  'ui-inspect': async () => (await import('./ui-inspect')).main(),
};

async function run(): Promise<void> {
  const name = process.argv[2];
  if (!name || !benches[name]) {
    console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}>`);
    process.exit(2);
  }
  await benches[name]();
}

run().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
