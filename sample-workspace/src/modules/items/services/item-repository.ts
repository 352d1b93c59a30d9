import type { Item } from '../domain/item';

/** In-memory stand-in for the items table. Items are immutable values, so storing them as given is safe. */
export class InMemoryItemRepository {
  private readonly byId = new Map<string, Item>();

  save(item: Item): Item {
    this.byId.set(item.id, item);
    return item;
  }

  get(id: string): Item | undefined {
    return this.byId.get(id);
  }

  listByOwner(ownerId: string): Item[] {
    return [...this.byId.values()].filter((item) => item.ownerId === ownerId);
  }

  remove(id: string): boolean {
    return this.byId.delete(id);
  }
}
