// What a process costs, read from Linux's /proc: CPU time of children (ours, once reaped),
// CPU time and memory high-water mark of live processes, and the peak memory of a whole
// process tree (a CLI and the server it spawned). Linux only, like the benchmarks' machine.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second for /proc's CPU fields (USER_HZ: 100 on every Linux port we run on). */
const TICKS_PER_SECOND = 100;
const MS_PER_TICK = 1000 / TICKS_PER_SECOND;

/** The fields after `(comm)` of /proc/<pid>/stat: index 0 is field 3 (state). */
function statFields(pid: number | 'self'): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone
  }
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

const field = (fields: string[], n: number) => Number(fields[n - 3]);

/**
 * CPU time (user + system, ms) of this process's reaped children and their reaped descendants.
 * The difference across one child's life is that child's CPU time, all its threads and
 * children included (10 ms resolution), provided no other child of ours ended meanwhile.
 */
export function reapedChildrenCpuMs(): number {
  const fields = statFields('self');
  if (!fields) throw new Error('/proc/self/stat is not readable');
  return (field(fields, 16) + field(fields, 17)) * MS_PER_TICK;
}

/** CPU time (ms) a live process used so far, its reaped children included; undefined once gone. */
export function processCpuMs(pid: number): number | undefined {
  const fields = statFields(pid);
  if (!fields) return undefined;
  return (field(fields, 14) + field(fields, 15) + field(fields, 16) + field(fields, 17)) * MS_PER_TICK;
}

/**
 * How long a live process's main thread has run on a core and waited for one (ms, from
 * /proc/<pid>/schedstat, nanosecond resolution). The waiting is what a loaded machine
 * adds to a latency; the difference across one request splits it into work and queueing.
 */
export function mainThreadSchedMs(pid: number): { runMs: number; waitMs: number } | undefined {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ').map(Number);
    return { runMs: (run ?? 0) / 1e6, waitMs: (wait ?? 0) / 1e6 };
  } catch {
    return undefined;
  }
}

/** VmRSS and VmHWM (peak resident set) of a live process, in MB. */
export function processMemoryMb(pid: number): { rssMb: number; hwmMb: number } | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** Every live descendant of `root` (root included), found through the parent pids in /proc. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const fields = statFields(pid);
    if (!fields) continue;
    const ppid = field(fields, 4);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

export interface TreeMemory {
  /** Sum over the processes of each one's own peak (VmHWM): what the tree could need at once at most. */
  sumOfPeaksMb: number;
  /** The largest sum of resident sets seen at one sample. */
  peakTotalRssMb: number;
  /** Each process's peak, largest first. */
  processes: { pid: number; name: string; peakMb: number }[];
}

/**
 * Samples a process tree's memory every `intervalMs` until stopped. VmHWM only grows, so
 * each process's last sample before it exits is its peak to within what it allocated in
 * its last interval (processes are sampled once more when `stop` is called).
 */
export class TreeMemorySampler {
  private readonly peaks = new Map<number, { name: string; peakMb: number }>();
  private peakTotal = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly root: number,
    intervalMs = 50,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  stop(): TreeMemory {
    clearInterval(this.timer);
    this.sample();
    const round1 = (n: number) => Math.round(n * 10) / 10;
    const processes = [...this.peaks]
      .map(([pid, p]) => ({ pid, name: p.name, peakMb: round1(p.peakMb) }))
      .sort((a, b) => b.peakMb - a.peakMb);
    return {
      sumOfPeaksMb: round1(processes.reduce((n, p) => n + p.peakMb, 0)),
      peakTotalRssMb: round1(this.peakTotal),
      processes,
    };
  }

  private sample(): void {
    let total = 0;
    for (const pid of processTree(this.root)) {
      const memory = processMemoryMb(pid);
      if (!memory) continue;
      total += memory.rssMb;
      const known = this.peaks.get(pid);
      if (known) known.peakMb = Math.max(known.peakMb, memory.hwmMb);
      else this.peaks.set(pid, { name: processName(pid), peakMb: memory.hwmMb });
    }
    this.peakTotal = Math.max(this.peakTotal, total);
  }
}

/** The process's command line, shortened for a table (its last path part and first arguments). */
export function processName(pid: number): string {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return argv
      .slice(0, 3)
      .map((a) => a.split('/').at(-1))
      .join(' ')
      .slice(0, 60);
  } catch {
    return `pid ${pid}`;
  }
}

export interface CommandRun {
  wallMs: number;
  /** User + system CPU of the command and everything it spawned (reaped). */
  cpuMs: number;
  memory: TreeMemory;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end and measures it: wall time, CPU time of the whole tree, and
 * the tree's peak memory. Run one at a time (the CPU figure is this process's reaped
 * children's time before and after).
 */
export function runCommand(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; maxOutput?: number } = {},
): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const cpuBefore = reapedChildrenCpuMs();
    const started = performance.now();
    const child = spawn(command, args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const sampler = child.pid === undefined ? undefined : new TreeMemorySampler(child.pid);
    const max = options.maxOutput ?? 64 * 1024 * 1024;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes <= max) out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', (error) => {
      sampler?.stop();
      reject(error);
    });
    child.once('close', (code) => {
      const wallMs = performance.now() - started;
      resolve({
        wallMs,
        cpuMs: reapedChildrenCpuMs() - cpuBefore,
        // Each process's last sample, taken while it ran (a reaped process has no /proc entry).
        memory: sampler?.stop() ?? { sumOfPeaksMb: 0, peakTotalRssMb: 0, processes: [] },
        exitCode: code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}
