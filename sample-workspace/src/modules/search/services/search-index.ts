import type { SearchDocument } from '../domain/search-document';

/**
 * In-memory full-text index. It is fed only by item events, so it can be
 * rebuilt or replaced without the items module knowing it exists.
 */
export class SearchIndex {
  private readonly documents = new Map<string, SearchDocument>();

  upsert(document: SearchDocument): void {
    this.documents.set(document.itemId, document);
  }

  remove(itemId: string): boolean {
    return this.documents.delete(itemId);
  }

  has(itemId: string): boolean {
    return this.documents.has(itemId);
  }

  get size(): number {
    return this.documents.size;
  }

  /** Item ids whose title or description contains every word of the query, case-insensitively. */
  search(query: string): string[] {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) return [];
    const hits: string[] = [];
    for (const document of this.documents.values()) {
      const text = `${document.title} ${document.description ?? ''}`.toLowerCase();
      if (words.every((word) => text.includes(word))) hits.push(document.itemId);
    }
    return hits;
  }
}

let current = new SearchIndex();

export function getSearchIndex(): SearchIndex {
  return current;
}

/** Swaps the index (tests pass a fresh one). Returns the previous one so it can be put back. */
export function setSearchIndex(index: SearchIndex): SearchIndex {
  const previous = current;
  current = index;
  return previous;
}
