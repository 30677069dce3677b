/**
 * What a task is about, in a few words, for every interface: "Deploy billing 3.1.0 → staging",
 * "Profile orders.csv", "Scan ~/src/app", "Search ‘cancel a task’". Derived generically from the
 * tool's title and its most telling arguments, so a third-party tool gets a good title too: no
 * tool is known by name.
 */

/** The parts of a tool's description a title is made of. */
export interface TitleSource {
  name: string;
  title?: string;
  inputSchema?: Record<string, unknown>;
}

/** Longest argument value shown in a title; longer ones are cut with an ellipsis. */
const MAX_VALUE_LENGTH = 40;
/** Arguments shown as the object of the title (strings), and as its qualifier (a choice). */
const MAX_OBJECTS = 2;

/** "max_files" → "Max files", "deployService" → "Deploy service". */
export function humanize(name: string): string {
  const words = name
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const PATH = /^(~|\/|[A-Za-z]:[\\/]|\\\\)/;

function cut(text: string): string {
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1).trimEnd()}…` : text;
}

/** A path as a person names it: a file by its name, a folder by its path from the home folder. */
function shortPath(path: string, home: string | undefined): string {
  const trimmed = path.replace(/(.)[\\/]+$/, '$1');
  const parts = trimmed.split(/[\\/]/).filter(Boolean);
  const last = parts.at(-1) ?? trimmed;
  if (/\.[A-Za-z0-9]{1,8}$/.test(last)) return cut(last);
  const fromHome =
    home && (trimmed === home || trimmed.startsWith(`${home}/`) || trimmed.startsWith(`${home}\\`))
      ? `~${trimmed.slice(home.length)}`
      : trimmed;
  return fromHome.length > MAX_VALUE_LENGTH ? `…/${parts.slice(-2).join('/')}` : fromHome;
}

/** A free-text value: one word as is, several words quoted. */
function shortText(value: string): string {
  const text = cut(value.replace(/\s+/g, ' ').trim());
  return /\s/.test(text) ? `‘${text}’` : text;
}

/** Property names in the order that tells most: required ones first, then the schema's order. */
function orderedNames(schema: Record<string, unknown> | undefined, args: Record<string, unknown>): string[] {
  const properties = isObject(schema?.properties) ? Object.keys(schema.properties) : [];
  const required = Array.isArray(schema?.required)
    ? schema.required.filter((name): name is string => typeof name === 'string')
    : [];
  const names = [...new Set([...required, ...properties, ...Object.keys(args)])];
  return names.filter((name) => name in args);
}

function isChoice(schema: Record<string, unknown> | undefined, name: string): boolean {
  const property = isObject(schema?.properties) ? schema.properties[name] : undefined;
  return isObject(property) && (Array.isArray(property.enum) || Array.isArray(property.oneOf));
}

/**
 * The task's title: the tool's title (or its name in words), whose first word becomes the verb
 * when string arguments name the object ("Deploy service" + billing, 3.1.0 → "Deploy billing
 * 3.1.0"); a chosen option qualifies it ("→ staging", or "(csv)" when there is no object).
 * Numbers, booleans and structures tell too little to be shown. `home` shortens folder paths to `~/…`.
 */
export function taskTitle(tool: TitleSource, args: Record<string, unknown>, home?: string): string {
  const name = tool.title?.trim() || humanize(tool.name);
  const objects: string[] = [];
  let choice: string | undefined;
  for (const key of orderedNames(tool.inputSchema, args)) {
    const value = args[key];
    if (typeof value !== 'string' || value.trim() === '') continue;
    if (isChoice(tool.inputSchema, key)) choice ??= cut(value);
    else if (objects.length < MAX_OBJECTS)
      objects.push(PATH.test(value) ? shortPath(value, home) : shortText(value));
  }
  if (objects.length === 0) return choice ? `${name} (${choice})` : name;
  const verb = name.split(/\s+/)[0] ?? name;
  return `${verb} ${objects.join(' ')}${choice ? ` → ${choice}` : ''}`;
}
