import { createInterface } from 'node:readline';
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

interface FieldSchema {
  type?: string;
  title?: string;
  description?: string;
  enum?: unknown[];
  oneOf?: { const: unknown; title?: string }[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
}

/**
 * Asks the user, in the terminal, for what a task's input request wants: first
 * whether to answer at all (accept, decline, cancel), then each field of the
 * requested schema, re-asking until the answer is valid. End of input cancels.
 */
export async function promptForInput(
  reader: LineReader,
  request: InputRequest,
  write: (text: string) => void,
): Promise<InputResponse> {
  write(`\n${request.message}\n`);
  const choice = await reader.question('Answer it? [Y]es / [n]o (decline) / [c]ancel: ');
  if (choice === null) return { action: 'cancel' }; // no one to ask
  if (/^(n|no)$/i.test(choice.trim())) return { action: 'decline' };
  if (/^(c|cancel)$/i.test(choice.trim())) return { action: 'cancel' };
  const properties = (request.requestedSchema.properties ?? {}) as Record<string, FieldSchema>;
  const required = new Set((request.requestedSchema.required ?? []) as string[]);
  const content: Record<string, string | number | boolean> = {};
  for (const [name, field] of Object.entries(properties)) {
    for (;;) {
      const label = field.title ?? name;
      const line = await reader.question(`${label}${describe(field)}: `);
      if (line === null) return { action: 'cancel' };
      const answer = line.trim();
      if (answer === '') {
        if (field.default !== undefined) {
          content[name] = field.default as string | number | boolean;
          break;
        }
        if (!required.has(name)) break;
        write(`  ${label} is required.\n`);
        continue;
      }
      const value = parseField(answer, field);
      if (value.ok) {
        content[name] = value.value;
        break;
      }
      write(`  ${value.error}\n`);
    }
  }
  return { action: 'accept', content };
}

function describe(field: FieldSchema): string {
  if (field.type === 'boolean') return field.default === true ? ' [Y/n]' : ' [y/N]';
  const options = choices(field);
  if (options) return ` (${options.join(', ')})`;
  if (field.type === 'number' || field.type === 'integer') {
    const bounds = [
      field.minimum !== undefined && `min ${field.minimum}`,
      field.maximum !== undefined && `max ${field.maximum}`,
    ].filter(Boolean);
    return bounds.length ? ` (${field.type}, ${bounds.join(', ')})` : ` (${field.type})`;
  }
  return field.description ? ` (${field.description})` : '';
}

function choices(field: FieldSchema): string[] | undefined {
  if (field.enum) return field.enum.map(String);
  if (field.oneOf) return field.oneOf.map((o) => String(o.const));
  return undefined;
}

function parseField(
  answer: string,
  field: FieldSchema,
): { ok: true; value: string | number | boolean } | { ok: false; error: string } {
  if (field.type === 'boolean') {
    if (/^(y|yes|true)$/i.test(answer)) return { ok: true, value: true };
    if (/^(n|no|false)$/i.test(answer)) return { ok: true, value: false };
    return { ok: false, error: 'Answer y or n.' };
  }
  const options = choices(field);
  if (options)
    return options.includes(answer)
      ? { ok: true, value: answer }
      : { ok: false, error: `Pick one of ${options.join(', ')}.` };
  if (field.type === 'number' || field.type === 'integer') {
    const value = Number(answer);
    if (!Number.isFinite(value) || (field.type === 'integer' && !Number.isInteger(value))) {
      return { ok: false, error: `Enter ${field.type === 'integer' ? 'a whole number' : 'a number'}.` };
    }
    if (field.minimum !== undefined && value < field.minimum)
      return { ok: false, error: `At least ${field.minimum}.` };
    if (field.maximum !== undefined && value > field.maximum)
      return { ok: false, error: `At most ${field.maximum}.` };
    return { ok: true, value };
  }
  return { ok: true, value: answer };
}
