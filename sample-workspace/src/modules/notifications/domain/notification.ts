/** A push message as handed to the (simulated) push provider. */
export interface PushNotification {
  readonly userId: string;
  readonly message: string;
}

/** One line of the log support uses to answer "did my email go out?". */
export interface EmailDelivery {
  readonly to: string;
  readonly subject: string;
  readonly at: Date;
}

export interface DigestEntry {
  readonly itemId: string;
  readonly title: string;
}
