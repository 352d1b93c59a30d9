/** What the index keeps per item: just the searchable text, keyed by the item's id. */
export interface SearchDocument {
  readonly itemId: string;
  readonly title: string;
  readonly description?: string;
}
