import { EventBase } from '../../../core/events';

/** An email left the outbox; notifications keeps a delivery log from it. */
export class EmailSentEvent extends EventBase {
  readonly eventType = 'email.sent';
  readonly to: string;
  readonly subject: string;

  constructor(payload: { to: string; subject: string }) {
    super();
    this.to = payload.to;
    this.subject = payload.subject;
  }
}
