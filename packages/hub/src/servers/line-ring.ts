/**
 * The last `capacity` lines of a stream (a server's stderr): bounded memory whatever
 * the server writes. Partial lines are held until their newline arrives; a line
 * longer than `maxLineLength` is cut, so one runaway line cannot grow memory.
 */
export class LineRing {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(
    private readonly capacity = 500,
    private readonly maxLineLength = 4000,
  ) {}

  /** Adds text; returns the complete lines it finished. */
  push(text: string): string[] {
    const parts = (this.partial + text).split(/\r?\n/);
    this.partial = (parts.pop() ?? '').slice(0, this.maxLineLength);
    const complete = parts.map((line) => this.cut(line));
    for (const line of complete) this.add(line);
    return complete;
  }

  /** The held lines, oldest first, including an unfinished last line. */
  tail(count = this.capacity): string[] {
    const all = this.partial ? [...this.lines, this.partial] : [...this.lines];
    return all.slice(-count);
  }

  /** The last non-empty line that `accept`s: the likeliest explanation of a crash. */
  lastLine(accept: (line: string) => boolean = () => true): string | undefined {
    return this.tail()
      .reverse()
      .find((line) => line.trim() !== '' && accept(line));
  }

  private add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.shift();
  }

  private cut(line: string): string {
    return line.length > this.maxLineLength ? `${line.slice(0, this.maxLineLength)} …[cut]` : line;
  }
}
