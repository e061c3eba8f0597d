import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '../../libs/config/index.js';
import { createApiApp, listen, refuseTakenPort, startRefusal } from './bootstrap.js';

let app: INestApplication | undefined;
try {
  const config = loadConfig();
  await refuseTakenPort(config);
  app = await createApiApp(config);
  const url = await listen(app, config);
  process.stdout.write(
    `${JSON.stringify({ level: 'info', msg: 'causeway api listening', url })}\n`,
  );
} catch (error) {
  // the store closes before the process ends: the embedded engine must not be torn down open
  await app?.close().catch(() => undefined);
  const refusal = startRefusal(error);
  if (refusal === undefined) {
    throw error;
  }
  process.stderr.write(`${refusal}\n`);
  process.exit(1);
}
