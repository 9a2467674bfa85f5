import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * A command's arguments read with node:util's parseArgs, as a command-line user expects:
 * `--help` or `-h` prints `usage` to stdout and exits 0; an unknown option, a missing value or a
 * value given to a flag prints one line saying which, then the usage, to stderr and exits 2
 * (parseArgs itself throws, and Node printed a stack trace for `npm run scenario -- --help`).
 * `usage` is the text a user reads, starting with the command line.
 */
export function commandLine<O extends Options>(options: O, usage: string, args: string[] = process.argv.slice(2)) {
  let parsed: ReturnType<typeof parseArgs<{ allowPositionals: true; options: O & { help: { type: 'boolean'; short: 'h' } }; args: string[] }>>;
  try {
    parsed = parseArgs({ allowPositionals: true, args, options: { ...options, help: { type: 'boolean', short: 'h' } } as O & { help: { type: 'boolean'; short: 'h' } } });
  } catch (error) {
    // parseArgs's messages name the option; its advice on '--' (for a positional that starts
    // with '-') only confuses a mistyped option, so it is cut.
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    process.stderr.write(`${message}\n\n${usage.trimEnd()}\n`);
    process.exit(2);
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage.trimEnd()}\n`);
    process.exit(0);
  }
  return parsed;
}
