import { createInterface } from 'node:readline';
import {
  type Field,
  type FormValue,
  fieldsFromSchema,
  restoreEnumTypes,
  validateField,
} from '@taskdeck/client/schema-form';
import type { InputRequest, InputResponse } from '@taskdeck/contract';

/**
 * Reads answers line by line from stdin. Lines that arrive before they are asked for
 * (piped input) are queued, not lost; after end of input every question gets null.
 */
export class LineReader {
  private readonly lines: string[] = [];
  private waiting: ((line: string | null) => void) | undefined;
  private ended = false;

  constructor(
    input: NodeJS.ReadableStream,
    private readonly write: (text: string) => void,
  ) {
    const rl = createInterface({ input, terminal: false });
    rl.on('line', (line) => {
      if (this.waiting) this.take(line);
      else this.lines.push(line);
    });
    rl.on('close', () => {
      this.ended = true;
      this.take(null);
    });
  }

  question(prompt: string): Promise<string | null> {
    this.write(prompt);
    if (this.lines.length > 0) return Promise.resolve(this.lines.shift() as string);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  private take(line: string | null): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(line);
  }
}

/**
 * Asks the user, in the terminal, for what a task's input request wants: first whether to
 * answer at all (accept, decline, cancel), then each field of the requested schema with the
 * same rules as the app's form (schema-form): choices listed with their titles and picked by
 * number or value, several at once for a multi-select, formats checked, re-asking until the
 * answer is valid. End of input cancels.
 */
export async function promptForInput(
  reader: LineReader,
  request: InputRequest,
  write: (text: string) => void,
): Promise<InputResponse> {
  write(`\n${request.message}\n`);
  const fields = fieldsFromSchema(request.requestedSchema);
  // With nothing to fill in, accepting is the whole decision (a prod deploy): no default for Enter.
  const choice = await (fields.length === 0
    ? askUntil(reader, 'Accept? [y]es / [n]o (decline) / [c]ancel: ', /^(y|yes|n|no|c|cancel)$/i)
    : reader.question('Answer it? [Y]es / [n]o (decline) / [c]ancel: '));
  if (choice === null) return { action: 'cancel' }; // no one to ask
  if (/^(n|no)$/i.test(choice.trim())) return { action: 'decline' };
  if (/^(c|cancel)$/i.test(choice.trim())) return { action: 'cancel' };
  const content: Extract<InputResponse, { action: 'accept' }>['content'] = {};
  for (const field of fields) {
    if (field.options && (field.kind === 'enum' || field.kind === 'multi-enum')) {
      field.options.forEach((option, index) => {
        write(
          `  ${index + 1}) ${option.label}${option.label !== option.value ? ` (${option.value})` : ''}\n`,
        );
      });
    }
    for (;;) {
      const line = await reader.question(`${field.label}${hint(field)}: `);
      if (line === null) return { action: 'cancel' };
      // A yes/no question re-asks on anything else; Enter takes the default shown ([y/N]: no).
      const rule: Field =
        field.kind === 'boolean' || field.kind === 'optional-boolean'
          ? { ...field, kind: 'optional-boolean', required: field.kind === 'boolean' }
          : field;
      const checked = validateField(rule, answer(field, line.trim()));
      if ('error' in checked) {
        write(`  ${checked.error}\n`);
        continue;
      }
      if ('value' in checked) content[field.name] = checked.value as (typeof content)[string];
      break;
    }
  }
  return { action: 'accept', content: restoreEnumTypes(request.requestedSchema, content) as typeof content };
}

/** Asks until the answer matches `valid` (trimmed); null at the end of input. */
async function askUntil(reader: LineReader, prompt: string, valid: RegExp): Promise<string | null> {
  for (;;) {
    const line = await reader.question(prompt);
    if (line === null || valid.test(line.trim())) return line;
  }
}

/** What to show after the label: the choices to type, the kind of value, bounds, the default. */
function hint(field: Field): string {
  const parts: string[] = [];
  switch (field.kind) {
    case 'boolean':
    case 'optional-boolean':
      return field.defaultValue === true ? ' [Y/n]' : ' [y/N]';
    case 'enum':
      parts.push(`1-${field.options?.length ?? 0}`);
      break;
    case 'multi-enum':
      parts.push('numbers or values, separated by commas');
      if (field.minItems !== undefined) parts.push(`at least ${field.minItems}`);
      if (field.maxItems !== undefined) parts.push(`at most ${field.maxItems}`);
      break;
    case 'number':
    case 'integer':
      parts.push(field.kind);
      if (field.minimum !== undefined) parts.push(`min ${field.minimum}`);
      if (field.maximum !== undefined) parts.push(`max ${field.maximum}`);
      break;
    default:
      if (field.format) parts.push(field.format);
      else if (field.description) parts.push(field.description);
  }
  if (field.defaultValue !== undefined) parts.push(`default ${String(field.defaultValue)}`);
  if (!field.required && field.defaultValue === undefined) parts.push('optional');
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** The typed line as the field's raw value: y/n for booleans, option numbers, titles or values for choices. */
function answer(field: Field, line: string): FormValue {
  if (field.kind === 'boolean' || field.kind === 'optional-boolean') {
    if (line === '')
      return field.kind === 'optional-boolean' && field.defaultValue === undefined
        ? ''
        : String(field.defaultValue === true);
    if (/^(y|yes|true)$/i.test(line)) return 'true';
    if (/^(n|no|false)$/i.test(line)) return 'false';
    return 'not a yes or no';
  }
  if (line === '' && field.defaultValue !== undefined)
    return Array.isArray(field.defaultValue) ? field.defaultValue.map(String) : String(field.defaultValue);
  if (field.kind === 'enum') return pick(field, line) ?? line;
  if (field.kind === 'multi-enum')
    return line
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean)
      .map((item) => pick(field, item) ?? item);
  return line;
}

/** An option by its number in the list, its value, or its title (any case). */
function pick(field: Field, text: string): string | undefined {
  const options = field.options ?? [];
  const byNumber = /^\d+$/.test(text) ? options[Number(text) - 1] : undefined;
  const lower = text.toLowerCase();
  return (byNumber ?? options.find((o) => o.value === text || o.label.toLowerCase() === lower))?.value;
}
