import MiniSearch, { type Options } from 'minisearch';
import type { ExtractedDocument } from './formats.js';
import { indexTerms, wordKey } from './tokenize.js';

/** One indexed file. `path` (absolute, real) is its public id. */
/** An indexed file: what was extracted from it, plus where it is and when it was read. */
export interface DocumentRecord extends ExtractedDocument {
  /** Internal MiniSearch id; a new version of a file gets a new one. */
  id: number;
  path: string;
  /** The indexed source (folder, or the guides folder) the file belongs to. */
  source: string;
  mtimeMs: number;
  size: number;
  indexedAt: number;
}

export type NewDocument = Omit<DocumentRecord, 'id'>;

interface LiveRecord extends DocumentRecord {
  /** False while the transaction that added it is open: searches never see half a change. */
  visible: boolean;
  /** The title's words as a key ({@link wordKey}), to spot an exact title match cheaply. */
  titleKey: string;
  /** Whether title, headings and text are all ASCII (phrase checks skip accent folding); computed on first use. */
  asciiOnly?: boolean;
}

export const SEARCH_FIELDS = ['title', 'headings', 'text'] as const;
const MINISEARCH_OPTIONS: Options<DocumentRecord> = {
  idField: 'id',
  fields: [...SEARCH_FIELDS],
  storeFields: [],
  // Terms arrive normalized from our tokenizer; MiniSearch must not change them.
  tokenize: indexTerms,
  processTerm: (term) => term,
  // Queries are built from single normalized terms (query.ts): split nothing further,
  // or a term like `ab1z` would also search its parts `ab`, `1`, `z`.
  searchOptions: { tokenize: (term) => [term], processTerm: (term) => term },
};

/** Posting lists of one term: field id → (internal doc id → term frequency). */
export type TermPostings = Map<number, Map<number, number>>;
/** MiniSearch's radix tree of terms (not public API: see {@link DocumentIndex.terms}). */
export interface TermTree {
  get(term: string): TermPostings | undefined;
  atPrefix(prefix: string): Iterable<[string, TermPostings]>;
  fuzzyGet(term: string, maxDistance: number): Map<string, [TermPostings, number]>;
}

/**
 * The in-memory index: MiniSearch for terms and BM25 scoring, plus the documents
 * themselves (snippets and get_document need their text). Changes go through a
 * {@link Transaction}, so a cancelled or failed indexing run leaves it as it was.
 */
export class DocumentIndex {
  private readonly search: MiniSearch<DocumentRecord>;
  private readonly records = new Map<number, LiveRecord>();
  /** Visible documents by path. */
  private readonly byPath = new Map<string, number>();
  /**
   * Files seen but not indexed (binary), so an unchanged one is not read again on
   * every refresh: they count as known files of their source.
   */
  private readonly skipped = new Map<string, SkippedFile>();
  private nextId: number;
  private openTransactions = 0;
  /** False forces the public-API paths that stand in when MiniSearch's internals change (tests). */
  static useInternals = true;
  /** Bumped by every committed change: tells the persistence layer what to save. */
  version = 0;

  private constructor(search: MiniSearch<DocumentRecord>, nextId: number) {
    this.search = search;
    this.nextId = nextId;
  }

  static empty(): DocumentIndex {
    return new DocumentIndex(new MiniSearch(MINISEARCH_OPTIONS), 1);
  }

  /**
   * Rebuilds an index from its serialized parts. Throws when they do not fit together
   * (the caller treats that as corruption and rebuilds from the files).
   */
  static restore(terms: unknown, documents: DocumentRecord[], skipped: SkippedFile[] = []): DocumentIndex {
    const plain = terms as Parameters<typeof MiniSearch.loadJS>[0];
    if (typeof plain !== 'object' || plain === null || typeof plain.documentIds !== 'object') {
      throw new Error('the term index is not a MiniSearch index');
    }
    const search = MiniSearch.loadJS(plain, MINISEARCH_OPTIONS);
    let maxId = 0;
    const index = new DocumentIndex(search, 1);
    for (const doc of documents) {
      if (!search.has(doc.id)) throw new Error(`document ${doc.path} is missing from the term index`);
      if (index.byPath.has(doc.path)) throw new Error(`document ${doc.path} is listed twice`);
      index.records.set(doc.id, { ...doc, visible: true, titleKey: wordKey(doc.title) });
      index.byPath.set(doc.path, doc.id);
      maxId = Math.max(maxId, doc.id);
    }
    // A save during an open transaction also wrote its staged documents into the term
    // index; they were never committed, so they go.
    for (const id of Object.values(plain.documentIds) as number[]) {
      if (!index.records.has(id)) search.discard(id);
      maxId = Math.max(maxId, id);
    }
    index.nextId = maxId + 1;
    for (const file of skipped) index.skipped.set(file.path, file);
    return index;
  }

  get size(): number {
    return this.byPath.size;
  }

  get busy(): boolean {
    return this.openTransactions > 0;
  }

  get(path: string): DocumentRecord | undefined {
    const id = this.byPath.get(path);
    return id === undefined ? undefined : this.records.get(id);
  }

  /** The visible record for an internal id (search results carry those). */
  byId(id: number): (DocumentRecord & { titleKey: string; asciiOnly?: boolean }) | undefined {
    const record = this.records.get(id);
    return record?.visible ? record : undefined;
  }

  /** Visible documents, in no particular order. */
  *documents(): IterableIterator<DocumentRecord> {
    for (const id of this.byPath.values()) {
      const record = this.records.get(id);
      if (record) yield record;
    }
  }

  /** Files known under `source` (indexed or skipped), with what decides whether they changed. */
  filesOf(source: string): Map<string, { mtimeMs: number; size: number }> {
    const files = new Map<string, { mtimeMs: number; size: number }>();
    for (const doc of this.documents()) if (doc.source === source) files.set(doc.path, doc);
    for (const file of this.skipped.values()) if (file.source === source) files.set(file.path, file);
    return files;
  }

  /** Documents indexed under `source`. */
  countOf(source: string): number {
    let count = 0;
    for (const doc of this.documents()) if (doc.source === source) count++;
    return count;
  }

  skippedFiles(): SkippedFile[] {
    return [...this.skipped.values()];
  }

  begin(): Transaction {
    this.openTransactions++;
    let open = true;
    const staged: LiveRecord[] = [];
    const removals = new Set<string>();
    const skips: SkippedFile[] = [];
    const close = () => {
      if (!open) throw new Error('The transaction is already closed.');
      open = false;
      this.openTransactions--;
    };
    return {
      put: (doc) => {
        if (!open) throw new Error('The transaction is already closed.');
        const record: LiveRecord = {
          ...doc,
          id: this.nextId++,
          visible: false,
          titleKey: wordKey(doc.title),
        };
        this.search.add(record);
        this.records.set(record.id, record);
        staged.push(record);
      },
      remove: (path) => {
        if (!open) throw new Error('The transaction is already closed.');
        removals.add(path);
      },
      skip: (file) => {
        if (!open) throw new Error('The transaction is already closed.');
        skips.push(file);
      },
      commit: () => {
        close();
        for (const record of staged) {
          this.drop(record.path);
          record.visible = true;
          this.byPath.set(record.path, record.id);
        }
        for (const path of removals) this.drop(path);
        for (const file of skips) {
          this.drop(file.path);
          this.skipped.set(file.path, file);
        }
        if (staged.length + removals.size + skips.length > 0) this.version++;
      },
      rollback: () => {
        close();
        for (const record of staged) {
          this.search.discard(record.id);
          this.records.delete(record.id);
        }
      },
      get size() {
        return staged.length + removals.size + skips.length;
      },
    };
  }

  /** Moves documents to another source (a folder added above an indexed one absorbs it). */
  reassign(fromSource: string, toSource: string): void {
    for (const doc of this.documents()) if (doc.source === fromSource) doc.source = toSource;
    for (const file of this.skipped.values()) if (file.source === fromSource) file.source = toSource;
    this.version++;
  }

  private drop(path: string): void {
    this.skipped.delete(path);
    const id = this.byPath.get(path);
    if (id === undefined) return;
    this.byPath.delete(path);
    this.records.delete(id);
    this.search.discard(id);
  }

  /**
   * Runs a MiniSearch query and calls `visit` for every match, in no order. `accept`,
   * when given, filters documents while they are scored (cheaper than scoring then
   * dropping them). Matches include documents of an open transaction: {@link byId}
   * tells them apart.
   */
  query(
    query: Parameters<MiniSearch['search']>[0],
    options: {
      accept?: (record: DocumentRecord) => boolean;
      boostTerm: (term: string) => number;
      fieldBoost: Record<string, number>;
    },
    visit: (match: RawMatch) => void,
  ): void {
    const { accept } = options;
    const searchOptions = {
      boost: options.fieldBoost,
      boostTerm: options.boostTerm,
      ...(accept && {
        boostDocument: (id: number) => {
          const record = this.records.get(id);
          return record?.visible && accept(record) ? 1 : 0;
        },
      }),
    };
    const internals = this.search as unknown as MiniSearchInternals;
    if (
      DocumentIndex.useInternals &&
      typeof internals.executeQuery === 'function' &&
      internals._documentIds instanceof Map
    ) {
      // MiniSearch's search() turns every match into a result object and sorts them
      // all: half the time of a query matching most documents. Only the best few are
      // shown, so the caller ranks the raw matches itself.
      const ids = internals._documentIds;
      const raw = internals.executeQuery(query, searchOptions);
      for (const [shortId, match] of raw) {
        const id = ids.get(shortId);
        if (id === undefined) continue;
        // Reuse MiniSearch's own object: no allocation per match.
        (match as unknown as RawMatch).id = id;
        visit(match as unknown as RawMatch);
      }
      return;
    }
    // search() multiplies each score by the number of query terms matched: undone here.
    for (const r of this.search.search(query, searchOptions)) {
      visit({
        id: r.id as number,
        score: r.score / Math.max(1, r.queryTerms.length),
        terms: r.queryTerms,
        match: r.match,
      });
    }
  }

  /**
   * MiniSearch's term tree, used to pick prefix and fuzzy expansions within a budget
   * (MiniSearch itself expands to every matching term, which makes a short prefix
   * cost hundreds of milliseconds). It is not public API, so its shape is checked and
   * the caller falls back to MiniSearch's own prefix/fuzzy search when it changes.
   */
  get terms(): TermTree | undefined {
    const tree = DocumentIndex.useInternals
      ? (this.search as unknown as { _index?: Partial<TermTree> })._index
      : undefined;
    if (
      typeof tree?.get === 'function' &&
      typeof tree.atPrefix === 'function' &&
      typeof tree.fuzzyGet === 'function'
    ) {
      return tree as TermTree;
    }
    return undefined;
  }

  /** The serialized term index (documents are saved separately, one per line). */
  serializeTerms(): string {
    return JSON.stringify(this.search);
  }
}

/** One matching document: BM25 score, the query terms it matched, and which index terms matched in which fields. */
export interface RawMatch {
  id: number;
  score: number;
  /** The query terms matched (MiniSearch's name). */
  terms: string[];
  match: Record<string, string[]>;
}

/** The MiniSearch internals {@link DocumentIndex.query} uses when present (not public API). */
interface MiniSearchInternals {
  executeQuery?: (
    query: Parameters<MiniSearch['search']>[0],
    options: object,
  ) => Map<number, { score: number; terms: string[]; match: Record<string, string[]> }>;
  _documentIds?: Map<number, number>;
}

export interface SkippedFile {
  path: string;
  source: string;
  mtimeMs: number;
  size: number;
}

export interface Transaction {
  /** Adds a document, or a new version of one (replacing it on commit). */
  put(doc: NewDocument): void;
  remove(path: string): void;
  /** Records a file that is not indexed (binary), replacing any document of that path. */
  skip(file: SkippedFile): void;
  /** Makes every change visible at once. */
  commit(): void;
  /** Forgets every change; the index is as before {@link DocumentIndex.begin}. */
  rollback(): void;
  readonly size: number;
}
