export interface SentEmail {
  readonly to: string;
  readonly subject: string;
  readonly body: string;
}

/**
 * What the handlers need from an email transport. An interface, so tests can
 * hand in a fake through setEmailService().
 */
export interface EmailService {
  sendNewAccountEmail(emailTo: string, username: string): SentEmail;
  sendPasswordResetEmail(emailTo: string, username: string, token: string): SentEmail;
}

/** Keeps every message in an outbox instead of talking to an SMTP server. */
export class InMemoryEmailService implements EmailService {
  readonly outbox: SentEmail[] = [];

  sendNewAccountEmail(emailTo: string, username: string): SentEmail {
    return this.send({
      to: emailTo,
      subject: 'Welcome aboard',
      body: `Hi ${username}, your account is ready.`,
    });
  }

  sendPasswordResetEmail(emailTo: string, username: string, token: string): SentEmail {
    return this.send({
      to: emailTo,
      subject: 'Reset your password',
      body: `Hi ${username}, use this link within an hour: https://example.invalid/reset?token=${token}`,
    });
  }

  private send(message: SentEmail): SentEmail {
    this.outbox.push(message);
    return message;
  }
}

let current: EmailService = new InMemoryEmailService();

/** Handlers look the service up on every call, so a replacement takes effect immediately. */
export function getEmailService(): EmailService {
  return current;
}

/** Swaps the transport (tests pass a fake). Returns the previous one so it can be put back. */
export function setEmailService(service: EmailService): EmailService {
  const previous = current;
  current = service;
  return previous;
}
