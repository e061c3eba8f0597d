import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './processes.js';

/** A mail as the test SMTP server took it: the envelope's recipients and the parsed message. */
export interface ReceivedMail {
  envelopeTo: string[];
  parsed: ParsedMail;
}

export interface TestSmtpOptions {
  /**
   * Addresses refused at RCPT TO (550), as mailboxes that no longer exist; the reply quotes the
   * address, as Postfix's does.
   */
  refuse?: readonly string[];
  /** Called as the server begins to read a mail's data, with its envelope's recipients. */
  onBegin?: (envelopeTo: string[]) => void;
  /** Read as each mail's data begins: while it gives a promise, the mail is taken once it resolves. */
  hold?: () => Promise<void> | undefined;
  /** The port to listen on (a free one by default): the one a server that was down comes back on. */
  port?: number;
}

export interface TestSmtp {
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  url: string;
  /** Every mail taken, in the order taken. */
  mails: ReceivedMail[];
  close(): Promise<void>;
}

/** A real SMTP server (smtp-server) on 127.0.0.1 that keeps what it receives, parsed (mailparser). */
export async function startTestSmtp(options: TestSmtpOptions = {}): Promise<TestSmtp> {
  const port = options.port ?? (await freePort());
  const refused = new Set(options.refuse ?? []);
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onRcptTo(address, _session, callback) {
      if (refused.has(address.address)) {
        const reply = `5.1.1 <${address.address}>: Recipient address rejected: User unknown`;
        callback(Object.assign(new Error(reply), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
      options.onBegin?.(envelopeTo);
      const held = options.hold?.() ?? Promise.resolve();
      simpleParser(stream)
        .then(async (parsed) => {
          await held;
          mails.push({ envelopeTo, parsed });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
