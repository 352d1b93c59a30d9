/**
 * Events the items module publishes; search and notifications subscribe.
 * They carry the fields subscribers need so nobody has to call back into items.
 */

import { EventBase } from '../../../core/events';

export class ItemCreatedEvent extends EventBase {
  readonly eventType = 'item.created';
  readonly itemId: string;
  readonly ownerId: string;
  readonly title: string;
  readonly description?: string;

  constructor(payload: { itemId: string; ownerId: string; title: string; description?: string }) {
    super();
    this.itemId = payload.itemId;
    this.ownerId = payload.ownerId;
    this.title = payload.title;
    this.description = payload.description;
  }
}

/** Carries the full new state, not a diff, so subscribers can simply overwrite. */
export class ItemUpdatedEvent extends EventBase {
  readonly eventType = 'item.updated';
  readonly itemId: string;
  readonly title: string;
  readonly description?: string;

  constructor(payload: { itemId: string; title: string; description?: string }) {
    super();
    this.itemId = payload.itemId;
    this.title = payload.title;
    this.description = payload.description;
  }
}

export class ItemDeletedEvent extends EventBase {
  readonly eventType = 'item.deleted';
  readonly itemId: string;

  constructor(payload: { itemId: string }) {
    super();
    this.itemId = payload.itemId;
  }
}

export class ItemArchiveEvent extends EventBase {
  // Deliberate mistake (Event Flow reports this): 'item.archive' breaks the past-tense {entity}.{action} convention.
  readonly eventType = 'item.archive';
  readonly itemId: string;

  constructor(payload: { itemId: string }) {
    super();
    this.itemId = payload.itemId;
  }
}
