export interface Item {
  readonly id: string;
  readonly ownerId: string;
  readonly title: string;
  readonly description?: string;
  /** Archived items stay stored (for history) but are no longer offered to anyone. */
  readonly archived: boolean;
}

export interface CreateItemInput {
  readonly ownerId: string;
  readonly title: string;
  readonly description?: string;
}

export interface UpdateItemInput {
  readonly title?: string;
  readonly description?: string;
}
