import { figures } from './figures.ts';

/** Measures one figure (by name) and prints it as a JSON line; run.ts runs each in its own process. */
const name = process.argv[2];
const figure = figures.find((f) => f.name === name);
if (!figure) {
  console.error(`unknown figure ${name}`);
  process.exit(2);
}
const value = await figure.measure();
console.log(JSON.stringify({ name: figure.name, value: Number(value.toPrecision(6)), unit: figure.unit }));
