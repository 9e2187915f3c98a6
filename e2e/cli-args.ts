/** Small pieces shared by the command-line scripts under e2e/ (demo, churn benchmark). */

/** `--name=value` or `--name` (the value then follows): returns the flag and the inline value, if any. */
export function splitFlag(arg: string): [flag: string, inline: string | undefined] {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

/** A whole number within [min, max], or the message that says what is wrong with `raw`. */
export function wholeNumber(name: string, raw: string | undefined, min: number, max: number): { value: number } | { problem: string } {
  if (raw === undefined || !/^[0-9]{1,6}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    return { problem: `${name} needs a whole number from ${min} to ${max}, got ${raw === undefined ? 'nothing' : JSON.stringify(raw)}` };
  }
  return { value: Number(raw) };
}

/**
 * Walks the command line: calls `onFlag` with each argument's flag and a reader of its value (the
 * inline `=value`, else the next argument, which it then consumes). Stops at `--help` or `-h` and
 * returns 'help'; else 'done'.
 */
export function eachFlag(argv: readonly string[], onFlag: (flag: string, value: () => string | undefined, arg: string) => void): 'help' | 'done' {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = splitFlag(arg);
    if (flag === '--help' || flag === '-h') return 'help';
    onFlag(flag, () => inline ?? argv[++i], arg);
  }
  return 'done';
}
