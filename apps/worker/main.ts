import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadConfig } from '../../libs/config/index.js';
import { ClickHouseService, Migrator } from '../../libs/storage/index.js';
import { WorkerModule } from './worker.module.js';

const config = loadConfig();
if (!config.queued) {
  process.stderr.write(
    'The worker needs REDIS_URL: without Redis the API runs every job inline and no worker is needed.\n',
  );
  process.exit(2);
}
const app = await NestFactory.createApplicationContext(WorkerModule.register(config), {
  bufferLogs: true,
});
app.useLogger(app.get(Logger));
await new Migrator(app.get(ClickHouseService), undefined, config.env.CLICKHOUSE_CLUSTER).run();
app.enableShutdownHooks();
app.get(Logger).log('causeway worker started');
